"""Geometry on the admin's read-only pages: a position in words and the shape on a map, not raw EWKT.

Django shows a read-only geometry field as its EWKT (``SRID=4326;POINT(116.22 39.85)``). An admin whose geometry
is read-only (evidence from the field) names it ``<field>_display`` in its fields, through ``ReadOnlyGeometryAdmin``.
"""

from django.contrib.gis.geos import GEOSGeometry
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from leaflet.admin import LeafletAdminWidget

DEGREE_DECIMALS = 6  # about 0.1 m


class ReadOnlyMapWidget(LeafletAdminWidget):
    """The admin's Leaflet widget, drawing the shape without the tools to change it."""

    template_name = "leaflet/admin/widget.html"
    modifiable = False


def readable_position(point: GEOSGeometry | None) -> str:
    """The position as "39.852100° N, 116.222000° E" in the language's number format (a shape: its centroid)."""
    if point is None:
        return "–"
    if point.geom_type != "Point":
        point = point.centroid
    lon, lat = point.x, point.y
    words = {
        "lat": number_format(abs(lat), DEGREE_DECIMALS),
        "lon": number_format(abs(lon), DEGREE_DECIMALS),
    }
    if lat >= 0 and lon >= 0:
        return _("%(lat)s° N, %(lon)s° E") % words
    if lat >= 0:
        return _("%(lat)s° N, %(lon)s° W") % words
    if lon >= 0:
        return _("%(lat)s° S, %(lon)s° E") % words
    return _("%(lat)s° S, %(lon)s° W") % words


def geometry_on_map(name: str, geometry: GEOSGeometry | None) -> SafeString:
    """The position in words, then the shape on a read-only map (the widget needs ``ReadOnlyMapWidget().media``)."""
    if geometry is None:
        return format_html("{}", "–")
    widget = ReadOnlyMapWidget(attrs={"geom_type": geometry.geom_type})
    drawn = widget.render(f"{name}_display", geometry, attrs={"id": f"id_{name}_display"})
    return format_html('<p class="readable-position">{}</p>{}', readable_position(geometry), drawn)


class ReadOnlyGeometryAdmin:
    """Mixed into a read-only ``LeafletGeoAdmin``: each field of ``geometry_shown`` appears as ``<field>_display``
    (its position in words and a map) where the field would be, and ``<field>_display`` must be a method of the
    admin (``geometry_on_map``)."""

    geometry_shown: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        shown = [f"{name}_display" for name in self.geometry_shown]
        return [*super().get_readonly_fields(request, obj), *shown]

    def get_fields(self, request, obj=None):
        shown = {f"{name}_display" for name in self.geometry_shown}
        fields = [field for field in super().get_fields(request, obj) if field not in shown]
        return [f"{field}_display" if field in self.geometry_shown else field for field in fields]

    @property
    def media(self):
        return super().media + ReadOnlyMapWidget().media
