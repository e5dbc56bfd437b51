"""The bulk path for very large hotspot files on PostGIS (hundreds of thousands of features): the file read in
batches straight from GDAL (WKB and columns, no per-row objects), reprojected and repaired with shapely's
vectorised functions, placed in the tree in memory, and streamed with binary COPY: new hotspots straight into
geo_hotspot, those whose external id exists into a staging table and one UPDATE at the end. The next batch is
prepared in a thread while the server takes this one. One transaction: all or nothing. Memory stays at two batches
(and the table's external ids).

Most of the time is the server's work for the live table: its GiST and b-tree indexes and its foreign-key checks,
row by row (benchmarks/README.md, import_gpkg_200k, measures it on its own).

It follows the same rules as the preview (the deepest jurisdiction holding a point on the shape, the lowest code on
a shared border; invalid polygons repaired when the repair stays polygonal; the external id updates), but checks no
per-person scope: administrators and the command line only."""

import gc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer

from geo.io import pgcopy
from geo.io.crs import WGS84, parse_crs
from geo.io.errors import ImportRefused
from geo.io.limits import check_size
from geo.io.mapping import column_mapping
from geo.io.readers import shapefile_in_zip, source_format
from geo.io.targets import HOTSPOTS
from geo.models import HotspotCategory, Jurisdiction, RiskLevel

BATCH = 25_000
FIRST_BATCH = 5_000  # the server waits for the first batch: a small one starts it sooner
STAGE = "gis_import_stage"


@dataclass
class Batch:
    start: int
    count: int
    # (row number, external id, its name, address, jurisdiction and geometry as binary COPY fields)
    rows: list[tuple[int, str, bytes]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class BulkResult:
    created: int = 0
    updated: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def _clean(wkb: np.ndarray, transformer: Transformer | None) -> tuple[np.ndarray, np.ndarray]:
    """(the repaired shapes in WGS84, whether each is usable)."""
    shapes = shapely.from_wkb(wkb)
    if transformer is not None:  # the transformed shapes are 2D
        shapes = shapely.transform(shapes, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    elif shapely.has_z(shapes).any():
        shapes = shapely.force_2d(shapes)
    invalid = ~shapely.is_valid(shapes)
    if invalid.any():
        shapes[invalid] = shapely.make_valid(shapes[invalid])
    kinds = shapely.get_type_id(shapes)
    usable = np.isin(kinds, (0, 3, 6)) & ~shapely.is_empty(shapes)  # Point, Polygon, MultiPolygon
    return shapely.orient_polygons(shapes, exterior_cw=False), usable


@contextmanager
def _cyclic_collection_paused() -> Iterator[None]:
    """The import makes and drops millions of shapely objects, each counted towards Python's cyclic collections, and
    every full collection walks all the objects of the process (Django's included): left on, they took a third of
    the import's own time. The import makes no reference cycles; collection resumes as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def bulk_import_hotspots(
    *,
    path: Path,
    category: str,
    crs: str = "",
    columns: dict | None = None,
    skip_refused: bool = False,
    progress: Callable[[int, int], None] | None = None,
    using: str = "default",
) -> BulkResult:
    """Import every feature of a GeoPackage/Shapefile/GeoJSON at ``path`` as hotspots of ``category``."""
    if source_format(path.name) == "csv":
        raise ImportRefused(_("The bulk path reads GIS files; import a CSV through the preview."))
    target = str(path)
    if source_format(path.name) == "shapefile":
        check_size(path)
        target = shapefile_in_zip(path)
    info = pyogrio.read_info(target)
    source = CRS.from_user_input(info["crs"]) if info["crs"] else (parse_crs(crs) if crs else None)
    if source is None:
        raise ImportRefused(_("The file does not name its coordinate reference system: give one (--crs)."))
    transformer = None if source.to_epsg() == WGS84 else Transformer.from_crs(source, WGS84, always_xy=True)
    mapping = column_mapping(HOTSPOTS.fields, info["fields"], columns)
    if "name" not in mapping:
        raise ImportRefused(
            _("The file has no column for: %(fields)s. Rename the column or choose it.") % {"fields": "name"}
        )
    try:
        category_id = HotspotCategory.objects.using(using).get(code=category).pk
    except HotspotCategory.DoesNotExist:
        raise ImportRefused(_("there is no hotspot category “%(value)s”") % {"value": category}) from None
    wanted = [mapping[name] for name in ("name", "external_id", "address") if name in mapping]
    total = int(info["features"])
    result = BulkResult()
    places = JurisdictionIndex(using)
    seen_ids: set[str] = set()
    now = pgcopy.timestamptz(timezone.now())
    constants = pgcopy.int8(category_id) + pgcopy.text(RiskLevel.MEDIUM) + pgcopy.boolean(True) + now + now
    new_row, changed_row = pgcopy.row_start(10), pgcopy.row_start(5)
    connection = connections[using]
    with _cyclic_collection_paused(), transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")  # a second import in the same transaction (tests)
        cursor.execute(
            f"CREATE TEMP TABLE {STAGE} (id bigint, name text, address text, jurisdiction_id bigint, "
            "geom geometry(Geometry, 4326)) ON COMMIT DROP"
        )
        raw = cursor.cursor  # psycopg's own cursor: COPY
        existing = _existing(cursor)
        # The foreign keys are checked as each batch is copied, while the next batch is prepared, not all at commit.
        deferred = _deferred_foreign_keys(cursor)
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")

        language = translation.get_language()

        def prepare(start: int, size: int) -> Batch:
            with translation.override(language):
                return _prepare(start, size)

        def _prepare(start: int, size: int) -> Batch:
            meta, _fids, wkb, fields = pyogrio.raw.read(target, skip_features=start, max_features=size, columns=wanted)
            gc.collect(0)  # the read leaves a reference cycle holding its buffers: gone with the youngest objects
            values = dict(zip(meta["fields"], fields, strict=True))
            shapes, usable = _clean(wkb, transformer)
            jurisdictions = places.deepest(shapes)
            count = len(shapes)
            names = values[mapping["name"]]
            ids = values[mapping["external_id"]] if "external_id" in mapping else [None] * count
            addresses = values[mapping["address"]] if "address" in mapping else [None] * count
            wkbs = shapely.to_wkb(shapes)
            batch = Batch(start, count)
            for index in range(count):
                number = start + index + 1
                if not usable[index]:
                    batch.refused.append((number, _("the polygon is invalid and cannot be repaired unambiguously")))
                elif jurisdictions[index] < 0:
                    batch.refused.append((number, _("the location is outside every jurisdiction of the district")))
                else:
                    batch.rows.append(
                        (
                            number,
                            "" if ids[index] is None else str(ids[index]).strip(),
                            pgcopy.text(names[index])
                            + pgcopy.text(addresses[index] or "")
                            + pgcopy.int8(jurisdictions[index])
                            + pgcopy.data(wkbs[index]),
                        )
                    )
            return batch

        # The next batch is read and prepared (GDAL, GEOS and PROJ release the GIL) while the database takes this one.
        with ThreadPoolExecutor(max_workers=1) as reader:
            starts = iter(_batches(total))
            pending = reader.submit(prepare, *next(starts)) if total else None
            while pending is not None:
                batch = pending.result()
                following = next(starts, None)
                pending = reader.submit(prepare, *following) if following is not None else None
                result.refused.extend(batch.refused)
                new, changed = [], []  # each row's pieces, in order
                for number, external, fields in batch.rows:
                    if external:
                        if external in seen_ids:
                            raise ImportRefused(
                                _("Row %(row)d: %(reasons)s. Nothing was imported.")
                                % {
                                    "row": number,
                                    "reasons": _("its external id “%(id)s” is on an earlier row") % {"id": external},
                                }
                            )
                        seen_ids.add(external)
                    if external in existing:
                        changed += (changed_row, pgcopy.int8(existing[external]), fields)
                        result.updated += 1
                    else:
                        new += (new_row, fields, pgcopy.text(external), constants)
                        result.created += 1
                if new:
                    with raw.copy(
                        "COPY geo_hotspot (name, address, jurisdiction_id, geometry, external_id, category_id, "
                        "risk_level, active, created_at, updated_at) FROM STDIN (FORMAT binary)"
                    ) as copy:
                        copy.write(b"".join((pgcopy.HEADER, *new, pgcopy.TRAILER)))
                if changed:
                    with raw.copy(
                        f"COPY {STAGE} (id, name, address, jurisdiction_id, geom) FROM STDIN (FORMAT binary)"
                    ) as copy:
                        copy.write(b"".join((pgcopy.HEADER, *changed, pgcopy.TRAILER)))
                done = batch.start + batch.count
                if progress:
                    progress(done, total)
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")
        if result.refused and not skip_refused:
            raise ImportRefused(
                _("Row %(row)d: %(reasons)s. Nothing was imported.")
                % {"row": result.refused[0][0], "reasons": result.refused[0][1]}
            )
        if result.updated:
            cursor.execute(
                f"UPDATE geo_hotspot h SET name = s.name, address = s.address, jurisdiction_id = s.jurisdiction_id, "
                f"geometry = s.geom, updated_at = now() FROM {STAGE} s WHERE h.id = s.id"
            )
    return result


def _batches(total: int) -> Iterator[tuple[int, int]]:
    """(start, size) of each batch."""
    start = 0
    while start < total:
        size = FIRST_BATCH if start == 0 else BATCH
        yield start, min(size, total - start)
        start += size


def _deferred_foreign_keys(cursor) -> str:
    cursor.execute(
        "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint "
        "WHERE conrelid = 'geo_hotspot'::regclass AND contype = 'f' AND condeferred"
    )
    return cursor.fetchone()[0] or ""


def _existing(cursor) -> dict[str, int]:
    """The hotspots' external ids, read once: one scan of the table costs the server less than looking up each
    batch's ids (which it would do while the import waits)."""
    cursor.execute("SELECT external_id, id FROM geo_hotspot WHERE external_id <> ''")
    return dict(cursor.fetchall())


class JurisdictionIndex:
    """``resolve_jurisdiction`` for many shapes at once, in memory: the deepest jurisdiction covering a point on
    each shape (boundary included), the lowest code on a shared border; -1 where none does."""

    def __init__(self, using: str):
        rows = Jurisdiction.objects.using(using).order_by("-level", "code").values_list("pk", "level", "boundary")
        ids, levels, boundaries = [], [], []
        for pk, level, boundary in rows:
            ids.append(pk)
            levels.append(level)
            boundaries.append(bytes(boundary.wkb))
        self.ids = np.array(ids, dtype=np.int64)
        shapes = shapely.from_wkb(boundaries) if boundaries else np.array([], dtype=object)
        # Deepest level first, each level's rows by code: a point found at one level needs no shallower one.
        self.levels = []
        for level in sorted(set(levels), reverse=True):
            rows_at = np.flatnonzero(np.array(levels) == level)
            self.levels.append((rows_at, shapely.STRtree(shapes[rows_at])))

    def deepest(self, shapes: np.ndarray) -> np.ndarray:
        anchors = shapely.point_on_surface(shapes)  # a point stays itself
        found = np.full(len(shapes), -1, dtype=np.int64)
        pending = np.arange(len(shapes))
        for rows_at, tree in self.levels:
            # For a point, "intersects" is "covered by" (the boundary included), and cheaper.
            inputs, candidates = tree.query(anchors[pending], predicate="intersects")
            # The smallest candidate index of each input is the lowest code.
            order = np.lexsort((candidates, inputs))
            inputs, candidates = inputs[order], candidates[order]
            first = np.ones(len(inputs), dtype=bool)
            first[1:] = inputs[1:] != inputs[:-1]
            found[pending[inputs[first]]] = self.ids[rows_at[candidates[first]]]
            pending = pending[found[pending] < 0]
            if not len(pending):
                break
        return found
