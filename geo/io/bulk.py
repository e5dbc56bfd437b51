"""The bulk path for very large hotspot files on PostGIS (hundreds of thousands of features): the file read in
batches straight from GDAL (WKB and columns, no per-row objects), reprojected and repaired with shapely's
vectorised functions, placed in the tree in memory, encoded column by column as binary COPY rows, and streamed: new
hotspots COPY-ed straight into geo_hotspot batch by batch, those whose external id exists spooled aside (on disk past
SPOOL_BYTES), then COPY-ed into a staging table and applied by one UPDATE. The next batch is prepared in a thread
while the server takes this one. One transaction: all or nothing. Memory stays at two batches (and the table's
external ids).

Most of the time is the server's work for the live table: its GiST and b-tree indexes and its foreign-key checks,
row by row (benchmarks/README.md, import_gpkg_200k, measures it on its own).

It refuses the rows the preview would refuse, with the preview's reasons (no usable shape, outside the district, an
empty name, a value too long for its column, an external id twice), and places them as it does (the deepest
jurisdiction holding a point on the shape, the lowest code on a shared border; invalid polygons repaired when the
repair stays polygonal), but checks no per-person scope: administrators and the command line only."""

import gc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import SpooledTemporaryFile

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pyproj import Transformer

from geo.io import pgcopy
from geo.io.crs import WGS84, source_crs
from geo.io.errors import ImportRefused, row_refused
from geo.io.limits import check_size
from geo.io.mapping import check_required, column_mapping, text
from geo.io.readers import read_as, shapefile_in_zip, source_format
from geo.io.repair import RowProblem, clean_shape
from geo.io.targets import HOTSPOTS
from geo.models import Hotspot, HotspotCategory, Jurisdiction, RiskLevel

BATCH = 25_000
# The server waits for the first batch, then takes each batch in about 1.5 times what preparing it takes (one core
# each): small first batches growing by GROWTH start the server sooner and stay ahead of it.
FIRST_BATCH = 2_000
GROWTH = 1.4
STAGE = "gis_import_stage"
SPOOL_BYTES = 32 << 20  # the updates' rows wait in memory up to this size, then on disk
COLUMNS = ("name", "address", "external_id")
NEW_COLUMNS = (
    "name, address, jurisdiction_id, geometry, external_id, category_id, risk_level, active, created_at, updated_at"
)


@dataclass
class Batch:
    """One batch, ready for the server: its new hotspots and its updates as binary COPY rows."""

    start: int
    count: int
    new: bytes = b""
    changed: bytes = b""  # (id, name, address, jurisdiction, geometry) for the staging table
    created: int = 0
    updated: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    repaired: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class BulkResult:
    created: int = 0
    updated: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (row number, why)
    repaired: list[tuple[int, str]] = field(default_factory=list)  # (row number, what was wrong), imported


def _clean(wkb: np.ndarray, transformer: Transformer | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(the shapes in WGS84 as read, the same repaired and oriented, whether each of those is usable, whether each
    was invalid)."""
    shapes = shapely.from_wkb(wkb)
    if transformer is not None:  # the transformed shapes are 2D
        shapes = shapely.transform(shapes, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    elif shapely.has_z(shapes).any():
        shapes = shapely.force_2d(shapes)
    repaired = shapes.copy()
    invalid = ~shapely.is_valid(shapes)
    if invalid.any():
        repaired[invalid] = shapely.make_valid(shapes[invalid])
    kinds = shapely.get_type_id(repaired)
    usable = np.isin(kinds, (0, 3, 6)) & ~shapely.is_empty(repaired)  # Point, Polygon, MultiPolygon
    return shapes, shapely.orient_polygons(repaired, exterior_cw=False), usable, invalid


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


class _Rows:
    """Turns each batch of the file into COPY rows (in the reading thread, batch after batch, in order): reads it,
    cleans and places its shapes, refuses the rows the preview would refuse, and sorts the others into new hotspots
    and updates by their external id."""

    def __init__(
        self, target: str, mapping: dict, transformer, using: str, skip_refused: bool, constants: tuple[bytes, ...]
    ):
        self.target, self.mapping, self.transformer = target, mapping, transformer
        self.skip_refused, self.constants = skip_refused, constants
        self.wanted = [mapping[name] for name in COLUMNS if name in mapping]
        self.places = JurisdictionIndex(using)
        with connections[using].cursor() as cursor:
            self.existing = _existing(cursor)
        self.seen: set[str] = set()
        self.fields = {name: Hotspot._meta.get_field(name) for name in COLUMNS}

    def batch(self, start: int, size: int) -> Batch:
        meta, _fids, wkb, fields = pyogrio.raw.read(
            self.target, skip_features=start, max_features=size, columns=self.wanted
        )
        gc.collect(0)  # the read leaves a reference cycle holding its buffers: gone with the youngest objects
        values = dict(zip(meta["fields"], fields, strict=True))
        read, shapes, usable, invalid = _clean(wkb, self.transformer)
        count = len(shapes)
        texts = {name: _texts(values.get(self.mapping.get(name)), count) for name in COLUMNS}
        reasons = self._shape_reasons(read, shapes, usable)
        jurisdictions = self.places.deepest(shapes)
        for index in np.flatnonzero(jurisdictions < 0).tolist():
            if index not in reasons:  # the preview's reason first (coordinates out of range, not numbers)
                reasons[index] = _problem(read[index]) or _(
                    "the location is outside every jurisdiction of the district"
                )
        for name, column in texts.items():
            reasons.update(self._text_reasons(name, column, reasons))
        new, changed, ids = self._by_external_id(start, texts["external_id"], reasons)
        if reasons and not self.skip_refused:
            raise row_refused(*self._numbered(start, reasons)[0])
        encoded = {name: [value.encode() for value in column] for name, column in texts.items()}
        wkbs = shapely.to_wkb(shapes).tolist()
        batch = Batch(start, count, created=len(new), updated=len(changed), refused=self._numbered(start, reasons))
        repaired = np.flatnonzero(invalid & usable).tolist()  # reported as the preview does: what was wrong
        batch.repaired = self._numbered(
            start, {index: shapely.is_valid_reason(read[index]) for index in repaired if index not in reasons}
        )
        if new:
            pick = _picker(new, count)
            batch.new = pgcopy.rows(
                pick(encoded["name"]),
                pick(encoded["address"]),
                jurisdictions[new],
                pick(wkbs),
                pick(encoded["external_id"]),
                *self.constants,
            )
        if changed:
            pick = _picker(changed, count)
            batch.changed = pgcopy.rows(
                np.array(ids, dtype=np.int64),
                pick(encoded["name"]),
                pick(encoded["address"]),
                jurisdictions[changed],
                pick(wkbs),
            )
        return batch

    def _by_external_id(self, start: int, externals: list[str], reasons: dict[int, str]):
        """(the rows that make new hotspots, those that update one, the ids of those): refused rows left out, and a
        repeated external id refusing the whole file."""
        new, changed, ids = [], [], []
        for index, external in enumerate(externals):
            if index in reasons:
                continue
            if external:
                if external in self.seen:
                    duplicate = {index: _("its external id “%(id)s” is on an earlier row") % {"id": external}}
                    raise row_refused(
                        *self._numbered(start, duplicate if self.skip_refused else {**reasons, **duplicate})[0]
                    )
                self.seen.add(external)
                if external in self.existing:
                    changed.append(index)
                    ids.append(self.existing[external])
                    continue
            new.append(index)
        return new, changed, ids

    def _shape_reasons(self, read: np.ndarray, shapes: np.ndarray, usable: np.ndarray) -> dict[int, str]:
        """The preview's reasons for the shapes the vectorised cleaning could not use; a shape the preview takes
        after all (a MultiPoint of one point) is taken."""
        reasons = {}
        for index in np.flatnonzero(~usable).tolist():
            try:
                shapes[index] = clean_shape(read[index], allowed=HOTSPOTS.allowed).geometry
            except RowProblem as exc:
                reasons[index] = str(exc)
        return reasons

    def _text_reasons(self, name: str, column: list[str], known: dict) -> dict[int, str]:
        """The model's own message for an empty name or a value too long for its column."""
        model_field = self.fields[name]
        lengths = np.fromiter(map(len, column), np.int64, len(column))
        wrong = lengths > model_field.max_length
        if not model_field.blank:
            wrong |= lengths == 0
        reasons = {}
        for index in np.flatnonzero(wrong).tolist():
            if index not in known:
                try:
                    model_field.clean(column[index], None)
                except ValidationError as exc:
                    reasons[index] = f"{name}: {' '.join(exc.messages)}"
        return reasons

    @staticmethod
    def _numbered(start: int, reasons: dict[int, str]) -> list[tuple[int, str]]:
        """(row number, reason), in the file's order."""
        return [(start + index + 1, reasons[index]) for index in sorted(reasons)]


def _problem(shape) -> str:
    """What the preview finds wrong with the shape ("" for nothing)."""
    try:
        clean_shape(shape, allowed=HOTSPOTS.allowed)
    except RowProblem as exc:
        return str(exc)
    return ""


def _texts(column, count: int) -> list[str]:
    """A column's cells as the preview reads them (empty for a missing one)."""
    if column is None:
        return [""] * count
    return [value.strip() if value.__class__ is str else text(value) for value in column]


def _picker(indexes: list[int], count: int) -> Callable[[list], list]:
    if len(indexes) == count:
        return lambda values: values
    return lambda values: [values[index] for index in indexes]


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
    with read_as(source_format(path.name)):
        info = pyogrio.read_info(target)
    source = source_crs(info["crs"] or None, crs)
    transformer = None if source.to_epsg() == WGS84 else Transformer.from_crs(source, WGS84, always_xy=True)
    mapping = column_mapping(HOTSPOTS.fields, info["fields"], columns)
    check_required(HOTSPOTS.fields, mapping, {"category": category})
    try:
        category_id = HotspotCategory.objects.using(using).get(code=category).pk
    except HotspotCategory.DoesNotExist:
        raise ImportRefused(_("there is no hotspot category “%(value)s”") % {"value": category}) from None
    total = int(info["features"])
    now = pgcopy.timestamptz(timezone.now())
    constants = (pgcopy.int8(category_id), pgcopy.text(RiskLevel.MEDIUM), pgcopy.boolean(True), now, now)
    result = BulkResult()
    language = translation.get_language()
    with (
        _cyclic_collection_paused(),
        transaction.atomic(using=using),
        connections[using].cursor() as cursor,
        SpooledTemporaryFile(SPOOL_BYTES) as updates,
    ):
        rows = _Rows(target, mapping, transformer, using, skip_refused, constants)

        def prepare(start: int, size: int) -> Batch:
            with translation.override(language):
                return rows.batch(start, size)

        # The next batch is read and prepared in a thread (GDAL, GEOS and PROJ release the GIL) while the server
        # takes this one, a COPY each: the server checks each batch's foreign keys at its end, while the thread
        # works, rather than all of them at the commit, while nothing else would.
        deferred = _deferred_foreign_keys(cursor)
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
        with ThreadPoolExecutor(max_workers=1) as reader:
            starts = iter(_batches(total))
            pending = reader.submit(prepare, *next(starts)) if total else None
            while pending is not None:
                batch = pending.result()
                following = next(starts, None)
                pending = reader.submit(prepare, *following) if following is not None else None
                if batch.new:
                    with cursor.cursor.copy(f"COPY geo_hotspot ({NEW_COLUMNS}) FROM STDIN (FORMAT binary)") as copy:
                        for part in (pgcopy.HEADER, batch.new, pgcopy.TRAILER):
                            copy.write(part)
                updates.write(batch.changed)
                result.created += batch.created
                result.updated += batch.updated
                result.refused += batch.refused
                result.repaired += batch.repaired
                if progress:
                    progress(batch.start + batch.count, total)
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")
        if result.updated:
            _update(cursor, updates)
    return result


def _update(cursor, updates) -> None:
    """The existing hotspots, from their rows spooled during the import: one COPY into a staging table, one UPDATE."""
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")  # a second import in the same transaction (tests)
    cursor.execute(
        f"CREATE TEMP TABLE {STAGE} (id bigint, name text, address text, jurisdiction_id bigint, "
        "geom geometry(Geometry, 4326)) ON COMMIT DROP"
    )
    updates.seek(0)
    with cursor.cursor.copy(
        f"COPY {STAGE} (id, name, address, jurisdiction_id, geom) FROM STDIN (FORMAT binary)"
    ) as copy:
        copy.write(pgcopy.HEADER)
        while block := updates.read(1 << 20):
            copy.write(block)
        copy.write(pgcopy.TRAILER)
    cursor.execute(
        f"UPDATE geo_hotspot h SET name = s.name, address = s.address, jurisdiction_id = s.jurisdiction_id, "
        f"geometry = s.geom, updated_at = now() FROM {STAGE} s WHERE h.id = s.id"
    )


def _batches(total: int) -> Iterator[tuple[int, int]]:
    """(start, size) of each batch."""
    start, size = 0, FIRST_BATCH
    while start < total:
        yield start, min(size, total - start)
        start += size
        size = min(BATCH, max(size + 1, int(size * GROWTH)))


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
