"""The bulk path for very large hotspot files on PostGIS (hundreds of thousands of features): the file read in
batches straight from GDAL (WKB and columns, no per-row objects), reprojected and repaired with shapely's
vectorised functions, streamed into a staging table with COPY, then placed in the tree and upserted into the hotspots
by one statement each. One transaction: all or nothing. Memory stays at one batch.

It follows the same rules as the preview (the deepest jurisdiction holding a point on the shape, the lowest code on
a shared border; invalid polygons repaired when the repair stays polygonal; the external id updates), but checks no
per-person scope: administrators and the command line only."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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

from geo.io.crs import WGS84, parse_crs
from geo.io.errors import ImportRefused
from geo.io.limits import check_size
from geo.io.mapping import column_mapping
from geo.io.readers import shapefile_in_zip, source_format
from geo.io.targets import HOTSPOTS
from geo.models import HotspotCategory, Jurisdiction, RiskLevel

BATCH = 25_000
STAGE = "gis_import_stage"


@dataclass
class Batch:
    start: int
    count: int
    rows: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, external id, COPY columns)
    refused: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class BulkResult:
    created: int = 0
    updated: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _clean(wkb: np.ndarray, transformer: Transformer | None) -> tuple[np.ndarray, np.ndarray]:
    """(the repaired shapes in WGS84, whether each is usable)."""
    shapes = shapely.from_wkb(wkb)
    if transformer is not None:
        shapes = shapely.transform(shapes, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    shapes = shapely.force_2d(shapes)
    invalid = ~shapely.is_valid(shapes)
    if invalid.any():
        shapes[invalid] = shapely.make_valid(shapes[invalid])
    kinds = shapely.get_type_id(shapes)
    usable = np.isin(kinds, (0, 3, 6)) & ~shapely.is_empty(shapes)  # Point, Polygon, MultiPolygon
    shapes = shapely.orient_polygons(shapes, exterior_cw=False)
    return shapely.set_srid(shapes, WGS84), usable


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
    now = timezone.now().isoformat()
    constants = f"{RiskLevel.MEDIUM}\tt\t{now}\t{now}"
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")  # a second import in the same transaction (tests)
        cursor.execute(
            f"CREATE TEMP TABLE {STAGE} (id bigint, name text, address text, jurisdiction_id bigint, "
            "geom geometry(Geometry, 4326)) ON COMMIT DROP"
        )
        raw = cursor.cursor  # psycopg's own cursor: COPY

        language = translation.get_language()

        def prepare(start: int) -> Batch:
            with translation.override(language):
                return _prepare(start)

        def _prepare(start: int) -> Batch:
            meta, _fids, wkb, fields = pyogrio.raw.read(target, skip_features=start, max_features=BATCH, columns=wanted)
            values = dict(zip(meta["fields"], fields, strict=True))
            shapes, usable = _clean(wkb, transformer)
            jurisdictions = places.deepest(shapes)
            count = len(shapes)
            names = values[mapping["name"]]
            ids = values[mapping["external_id"]] if "external_id" in mapping else [None] * count
            addresses = values[mapping["address"]] if "address" in mapping else [None] * count
            hexes = shapely.to_wkb(shapes, hex=True, include_srid=True)
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
                            f"{_copy_text(names[index])}\t{_copy_text(addresses[index] or '')}\t"
                            f"{jurisdictions[index]}\t{hexes[index]}",
                        )
                    )
            return batch

        # The next batch is read and prepared (GDAL, GEOS and PROJ release the GIL) while the database takes this one.
        with ThreadPoolExecutor(max_workers=1) as reader:
            starts = iter(range(0, total, BATCH))
            pending = reader.submit(prepare, next(starts)) if total else None
            while pending is not None:
                batch = pending.result()
                following = next(starts, None)
                pending = reader.submit(prepare, following) if following is not None else None
                result.refused.extend(batch.refused)
                existing = _existing(cursor, [external for _n, external, _t in batch.rows if external])
                new, changed = [], []
                for number, external, fields_text in batch.rows:
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
                        changed.append(f"{existing[external]}\t{fields_text}\n")
                    else:
                        new.append(f"{fields_text}\t{category_id}\t{_copy_text(external)}\t{constants}\n")
                if new:
                    with raw.copy(
                        "COPY geo_hotspot (name, address, jurisdiction_id, geometry, category_id, external_id, "
                        "risk_level, active, created_at, updated_at) FROM STDIN"
                    ) as copy:
                        copy.write("".join(new))
                if changed:
                    with raw.copy(f"COPY {STAGE} (id, name, address, jurisdiction_id, geom) FROM STDIN") as copy:
                        copy.write("".join(changed))
                result.created += len(new)
                result.updated += len(changed)
                done = batch.start + batch.count
                if progress:
                    progress(done, total)
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


def _existing(cursor, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    cursor.execute("SELECT external_id, id FROM geo_hotspot WHERE external_id = ANY(%s)", [ids])
    return dict(cursor.fetchall())


class JurisdictionIndex:
    """``resolve_jurisdiction`` for many shapes at once, in memory: the deepest jurisdiction covering a point on
    each shape (boundary included), the lowest code on a shared border; -1 where none does."""

    def __init__(self, using: str):
        rows = list(Jurisdiction.objects.using(using).order_by("-level", "code").values_list("pk", "boundary"))
        self.ids = np.array([pk for pk, _boundary in rows], dtype=np.int64)
        self.tree = shapely.STRtree(shapely.from_wkb([bytes(boundary.wkb) for _pk, boundary in rows]))

    def deepest(self, shapes: np.ndarray) -> np.ndarray:
        anchors = shapely.point_on_surface(shapes)  # a point stays itself
        found = np.full(len(shapes), -1, dtype=np.int64)
        if not len(self.ids):
            return found
        inputs, candidates = self.tree.query(anchors, predicate="covered_by")
        # Rows are ordered deepest first, then by code: the smallest candidate index of each input wins.
        order = np.lexsort((candidates, inputs))
        inputs, candidates = inputs[order], candidates[order]
        first = np.ones(len(inputs), dtype=bool)
        first[1:] = inputs[1:] != inputs[:-1]
        found[inputs[first]] = self.ids[candidates[first]]
        return found
