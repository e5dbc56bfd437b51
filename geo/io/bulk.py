"""The bulk path for very large hotspot files on PostGIS (hundreds of thousands of features): the file read in
batches straight from GDAL (WKB and columns, no per-row objects), reprojected and repaired with shapely's
vectorised functions, streamed into a staging table with COPY, then placed in the tree and upserted into the hotspots
by one statement each. One transaction: all or nothing. Memory stays at one batch.

It follows the same rules as the preview (the deepest jurisdiction holding a point on the shape, the lowest code on
a shared border; invalid polygons repaired when the repair stays polygonal; the external id updates), but checks no
per-person scope: administrators and the command line only."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from django.db import connections, transaction
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer

from geo.io.crs import WGS84, parse_crs
from geo.io.errors import ImportRefused
from geo.io.limits import check_size
from geo.io.mapping import column_mapping
from geo.io.readers import shapefile_in_zip, source_format
from geo.io.targets import HOTSPOTS
from geo.models import HotspotCategory

BATCH = 25_000
STAGE = "gis_import_stage"


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
    """(WKB hex of the repaired WGS84 shapes, whether each is usable)."""
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
    shapes = shapely.set_srid(shapes, WGS84)
    return shapely.to_wkb(shapes, hex=True, include_srid=True), usable


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
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {STAGE} (row integer, external_id text, name text, address text, "
            "geom geometry(Geometry, 4326)) ON COMMIT DROP"
        )
        done = 0
        raw = cursor.cursor  # psycopg's own cursor: COPY
        while done < total:
            _meta, _fids, wkb, fields = pyogrio.raw.read(target, skip_features=done, max_features=BATCH, columns=wanted)
            values = dict(zip(wanted, fields, strict=True))
            hexes, usable = _clean(wkb, transformer)
            names = values[mapping["name"]]
            ids = values.get(mapping.get("external_id"), [None] * len(names))
            addresses = values.get(mapping.get("address"), [None] * len(names))
            with raw.copy(f"COPY {STAGE} (row, external_id, name, address, geom) FROM STDIN") as copy:
                lines = []
                for index in range(len(names)):
                    number = done + index + 1
                    if not usable[index]:
                        result.refused.append(
                            (number, _("the polygon is invalid and cannot be repaired unambiguously"))
                        )
                        continue
                    external = "" if ids[index] is None else str(ids[index])
                    lines.append(
                        f"{number}\t{_copy_text(external)}\t{_copy_text(names[index])}\t"
                        f"{_copy_text(addresses[index] or '')}\t{hexes[index]}\n"
                    )
                copy.write("".join(lines))
            done += len(names)
            if progress:
                progress(done, total)
        cursor.execute(f"ANALYZE {STAGE}")
        cursor.execute(
            f"""
            CREATE TEMP TABLE {STAGE}_placed ON COMMIT DROP AS
            SELECT s.row, s.external_id, s.name, s.address, s.geom, j.id AS jurisdiction_id
            FROM {STAGE} s
            LEFT JOIN LATERAL (
                SELECT id FROM geo_jurisdiction
                WHERE ST_Covers(boundary, CASE WHEN GeometryType(s.geom) = 'POINT' THEN s.geom
                                               ELSE ST_PointOnSurface(s.geom) END)
                ORDER BY level DESC, code LIMIT 1
            ) j ON true
            """
        )
        cursor.execute(f"SELECT row FROM {STAGE}_placed WHERE jurisdiction_id IS NULL ORDER BY row LIMIT 1000")
        outside = [row for (row,) in cursor.fetchall()]
        result.refused.extend((row, _("the location is outside every jurisdiction of the district")) for row in outside)
        cursor.execute(
            f"SELECT external_id, count(*) FROM {STAGE} WHERE external_id <> '' GROUP BY 1 HAVING count(*) > 1 LIMIT 1"
        )
        if duplicate := cursor.fetchone():
            raise ImportRefused(_("The external id “%(id)s” appears on more than one row.") % {"id": duplicate[0]})
        if result.refused and not skip_refused:
            result.refused.sort()
            raise ImportRefused(
                _("Row %(row)d: %(reasons)s. Nothing was imported.")
                % {"row": result.refused[0][0], "reasons": result.refused[0][1]}
            )
        cursor.execute(
            f"""
            INSERT INTO geo_hotspot (name, address, category_id, geometry, jurisdiction_id, risk_level, active,
                                     external_id, created_at, updated_at)
            SELECT name, coalesce(address, ''), %s, geom, jurisdiction_id, 'medium', true, external_id, now(), now()
            FROM {STAGE}_placed WHERE jurisdiction_id IS NOT NULL
            ON CONFLICT (external_id) WHERE external_id <> '' DO UPDATE
              SET name = EXCLUDED.name, address = EXCLUDED.address, geometry = EXCLUDED.geometry,
                  jurisdiction_id = EXCLUDED.jurisdiction_id, updated_at = now()
            RETURNING (xmax = 0)
            """,
            [category_id],
        )
        inserted = [row[0] for row in cursor.fetchall()]
        result.created = sum(inserted)
        result.updated = len(inserted) - result.created
    return result
