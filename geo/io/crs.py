"""The source's coordinate reference system → WGS84 (EPSG:4326). Any system PROJ knows is taken, CGCS2000
(EPSG:4490) and its Gauss–Krüger zones (EPSG:4513–4554) included; a file without one is refused unless the person
importing names it."""

import geopandas as gpd
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.io.errors import ImportRefused

WGS84 = 4326

# Offered in the forms; any other EPSG code or PROJ string may be typed.
COMMON_CRS = (
    ("EPSG:4326", "WGS 84 (EPSG:4326)"),
    ("EPSG:4490", "CGCS2000 (EPSG:4490)"),
    ("EPSG:4527", "CGCS2000 / 3-degree Gauss-Kruger zone 39 (EPSG:4527)"),
    ("EPSG:4548", "CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548)"),
    ("EPSG:4547", "CGCS2000 / 3-degree Gauss-Kruger CM 114E (EPSG:4547)"),
    ("EPSG:3857", "Web Mercator (EPSG:3857)"),
)


def parse_crs(text: str) -> CRS:
    text = text.strip()
    try:
        return CRS.from_user_input(int(text) if text.isdigit() else text)
    except CRSError:
        raise ImportRefused(
            _("“%(crs)s” is not a coordinate reference system PROJ knows; give an EPSG code such as EPSG:4548.")
            % {"crs": text}
        ) from None


def describe(crs: CRS | None) -> str:
    if crs is None:
        return ""
    code = crs.to_epsg(min_confidence=70)
    return f"{crs.name} (EPSG:{code})" if code else crs.name


def source_crs(own, named: str = "") -> CRS:
    """The file's own system (``own``: a CRS or its WKT; None where it has none); the one named only where the file
    has none."""
    if own is not None:
        return CRS.from_user_input(own)
    if named:
        return parse_crs(named)
    raise ImportRefused(
        _(
            "The file does not say which coordinate reference system its coordinates are in (a shapefile without its "
            ".prj, a CSV): name it, e.g. EPSG:4326 for longitude/latitude in WGS84 or EPSG:4548 for CGCS2000 "
            "Gauss–Krüger metres."
        )
    )


def to_wgs84(frame: gpd.GeoDataFrame, named: str = "") -> tuple[gpd.GeoDataFrame, CRS]:
    crs = source_crs(frame.crs, named)
    frame = frame.set_crs(crs, allow_override=True)
    if crs.to_epsg(min_confidence=100) == WGS84:
        return frame, crs
    return frame.to_crs(WGS84), crs
