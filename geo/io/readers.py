"""A GIS file → a GeoDataFrame in its own reference system, through pyogrio. The format follows the file's name:
``.gpkg``, ``.zip`` (a shapefile), ``.geojson``/``.json``, ``.kml``, ``.kmz``, ``.csv`` (longitude and latitude
columns, or a WKT column)."""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.utils.translation import gettext as _
from pyogrio.errors import DataLayerError, DataSourceError

from geo.io.errors import ImportRefused
from geo.io.limits import check_size, check_zip

FORMATS = {
    ".gpkg": "gpkg",
    ".zip": "shapefile",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".kmz": "kmz",
    ".csv": "csv",
}
LONGITUDE = ("longitude", "lon", "lng", "long", "x", "经度")
LATITUDE = ("latitude", "lat", "y", "纬度")
WKT = ("wkt", "geometry", "geom", "the_geom", "shape", "几何")


@dataclass
class Source:
    """What a file holds: its features (``geometry`` None where a row's could not be read), the format, and the
    problems of single rows (0-based index → message)."""

    frame: gpd.GeoDataFrame
    format: str
    problems: dict[int, str] = field(default_factory=dict)


def source_format(name: str) -> str:
    suffix = PurePosixPath(name.lower()).suffix
    try:
        return FORMATS[suffix]
    except KeyError:
        raise ImportRefused(
            _("Cannot read “%(name)s”: import a GeoPackage, a zipped shapefile, GeoJSON, KML, KMZ or CSV file.")
            % {"name": name}
        ) from None


def read_source(path: Path, *, name: str) -> Source:
    """Read ``path`` (uploaded as ``name``); ImportRefused when the file as a whole cannot be read."""
    check_size(path)
    kind = source_format(name)
    if kind == "csv":
        return _read_csv(path)
    if kind == "shapefile":
        target = shapefile_in_zip(path)
    elif kind == "kmz":
        target = _kml_in_kmz(path)
    else:
        target = str(path)
    return Source(_read_ogr(target, kind), kind)


@contextmanager
def read_as(kind: str) -> Iterator[None]:
    """GDAL's refusal to read the file turned into ImportRefused, naming the format it was read as."""
    try:
        yield
    except (DataSourceError, DataLayerError) as exc:
        raise ImportRefused(
            _("The file cannot be read as %(kind)s: %(error)s") % {"kind": kind, "error": exc}
        ) from None


def _read_ogr(target: str, kind: str) -> gpd.GeoDataFrame:
    with read_as(kind):
        layers = pyogrio.list_layers(target)
        # KML puts each folder in a layer of its own: the first that has features.
        layer = next((str(row[0]) for row in layers if _feature_count(target, str(row[0]))), None)
        if layer is None:
            return gpd.GeoDataFrame({"geometry": gpd.GeoSeries([], crs=None)})
        return pyogrio.read_dataframe(target, layer=layer)


def _feature_count(target: str, layer: str) -> int:
    return pyogrio.read_info(target, layer=layer)["features"]


def shapefile_in_zip(path: Path) -> str:
    members = check_zip(path)
    shapes = [m for m in members if m.lower().endswith(".shp") and not PurePosixPath(m).name.startswith("._")]
    if not shapes:
        raise ImportRefused(_("The zip holds no shapefile (.shp)."))
    shape = shapes[0]
    stem = shape[:-4].lower()
    present = {m.lower() for m in members}
    missing = [ext for ext in (".dbf", ".shx") if stem + ext not in present]
    if missing:
        raise ImportRefused(
            _(
                "The shapefile %(name)s is incomplete: the zip lacks its %(missing)s. Zip the .shp, .shx, .dbf and "
                ".prj together."
            )
            % {"name": PurePosixPath(shape).name, "missing": ", ".join(missing)}
        )
    return f"/vsizip/{path}/{shape}"


def _kml_in_kmz(path: Path) -> str:
    members = check_zip(path)
    kml = [m for m in members if m.lower().endswith(".kml")]
    if not kml:
        raise ImportRefused(_("The KMZ holds no KML document."))
    return f"/vsizip/{path}/{kml[0]}"


def _column(columns, names) -> str | None:
    lowered = {str(column).strip().lower(): column for column in columns}
    return next((lowered[name] for name in names if name in lowered), None)


def _read_csv(path: Path) -> Source:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportRefused(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
    lon, lat, wkt = _column(table.columns, LONGITUDE), _column(table.columns, LATITUDE), _column(table.columns, WKT)
    if not ((lon and lat) or wkt):
        raise ImportRefused(
            _(
                "The CSV file needs longitude and latitude columns (lon, lat) or a WKT column (wkt); it has: "
                "%(columns)s."
            )
            % {"columns": ", ".join(map(str, table.columns))}
        )
    problems: dict[int, str] = {}
    geometries = []
    for index, row in enumerate(table.itertuples(index=False)):
        record = dict(zip(table.columns, row, strict=True))
        try:
            geometries.append(_csv_geometry(record, lon, lat, wkt))
        except ValueError as exc:
            geometries.append(None)
            problems[index] = str(exc)
    used = [c for c in (lon, lat, wkt) if c]
    frame = gpd.GeoDataFrame(table.drop(columns=used), geometry=gpd.GeoSeries(geometries), crs=None)
    return Source(frame, "csv", problems)


def _csv_geometry(record: dict, lon: str | None, lat: str | None, wkt: str | None):
    if wkt and str(record[wkt]).strip():
        try:
            return shapely.from_wkt(str(record[wkt]).strip())
        except shapely.errors.GEOSException:
            raise ValueError(_("the WKT “%(text)s” cannot be read") % {"text": str(record[wkt])[:60]}) from None
    if lon and lat:
        try:
            x, y = float(str(record[lon]).strip()), float(str(record[lat]).strip())
        except ValueError:
            raise ValueError(
                _("the coordinates “%(lon)s”, “%(lat)s” are not numbers") % {"lon": record[lon], "lat": record[lat]}
            ) from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(_("the coordinates are not finite numbers"))
        return shapely.Point(x, y)
    raise ValueError(_("the row has no coordinates"))
