"""Geometry checks shared by every model and endpoint that accepts shapes.

Everything is stored in EPSG:4326. Invalid polygons are repaired when the repair keeps an area (a bow-tie becomes
two triangles, a ring drawn clockwise is re-oriented); anything else is refused with the problem named.
"""

import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WGS84 = 4326
POLYGONAL = ("Polygon", "MultiPolygon")


def to_shapely(geom: GEOSGeometry) -> shapely.Geometry:
    return shapely.from_wkb(bytes(geom.wkb))


def from_shapely(geom: shapely.Geometry, srid: int = WGS84) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=srid)


def _in_wgs84(geom: GEOSGeometry) -> GEOSGeometry:
    if geom.srid in (None, WGS84):
        geom = geom.clone()
        geom.srid = WGS84
        return geom
    try:
        return geom.transform(WGS84, clone=True)
    except Exception as exc:  # GDAL raises several types for unknown or unusable SRIDs
        raise ValidationError(
            _("Cannot transform the geometry from EPSG:%(srid)s to WGS84: %(error)s")
            % {"srid": geom.srid, "error": exc}
        ) from exc


def check_wgs84_bounds(geom: GEOSGeometry) -> None:
    xmin, ymin, xmax, ymax = geom.extent
    if xmin >= -180 and xmax <= 180 and ymin >= -90 and ymax <= 90:
        return
    hint = ""
    if xmin >= -90 and xmax <= 90 and ymin >= -180 and ymax <= 180:
        hint = " " + _("Longitude and latitude look swapped: send longitude first.")
    raise ValidationError(
        _(
            "Coordinates are outside WGS84 bounds (longitude −180…180, latitude −90…90): "
            "the shape spans longitude %(xmin).6f…%(xmax).6f, latitude %(ymin).6f…%(ymax).6f."
        )
        % {"xmin": xmin, "xmax": xmax, "ymin": ymin, "ymax": ymax}
        + hint
    )


def _repair_polygonal(geom: GEOSGeometry) -> GEOSGeometry:
    shape = to_shapely(geom)
    if not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        repaired = shapely.make_valid(shape, method="structure", keep_collapsed=False)
        parts = [
            part for part in shapely.get_parts(repaired) if isinstance(part, shapely.Polygon | shapely.MultiPolygon)
        ]
        polygons = []
        for part in parts:
            polygons.extend(shapely.get_parts(part))
        if not polygons or shapely.area(shapely.MultiPolygon(polygons)) == 0:
            raise ValidationError(_("The polygon is invalid and cannot be repaired: %(reason)s.") % {"reason": reason})
        shape = polygons[0] if len(polygons) == 1 and geom.geom_type == "Polygon" else shapely.MultiPolygon(polygons)
    # RFC 7946 orientation: exterior rings counter-clockwise, holes clockwise.
    shape = shapely.orient_polygons(shape, exterior_cw=False)
    return from_shapely(shape)


def clean_point(geom: GEOSGeometry | None) -> Point:
    if geom is None or geom.empty:
        raise ValidationError(_("A point is required."))
    if geom.geom_type != "Point":
        raise ValidationError(_("Expected a point, got a %(type)s.") % {"type": geom.geom_type})
    geom = _in_wgs84(geom)
    check_wgs84_bounds(geom)
    return geom


def clean_polygonal(geom: GEOSGeometry | None, *, multi: bool = True) -> GEOSGeometry:
    """A valid, oriented (Multi)Polygon in WGS84, or a ValidationError naming the problem."""
    if geom is None or geom.empty:
        raise ValidationError(_("A polygon is required."))
    if geom.geom_type not in POLYGONAL:
        raise ValidationError(_("Expected a polygon or multipolygon, got a %(type)s.") % {"type": geom.geom_type})
    geom = _in_wgs84(geom)
    check_wgs84_bounds(geom)
    geom = _repair_polygonal(geom)
    if multi and isinstance(geom, Polygon):
        geom = MultiPolygon(geom, srid=WGS84)
    return geom


def clean_point_or_polygonal(geom: GEOSGeometry | None) -> GEOSGeometry:
    if geom is not None and geom.geom_type == "Point":
        return clean_point(geom)
    if geom is not None and geom.geom_type not in POLYGONAL:
        raise ValidationError(_("Expected a point or a polygon, got a %(type)s.") % {"type": geom.geom_type})
    return clean_polygonal(geom, multi=False)
