import django_filters
from django.contrib.gis.geos import Polygon
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from geo.models import Hotspot, Jurisdiction, JurisdictionKind, RiskLevel, Unit, UnitKind


def parse_bbox(value: str) -> Polygon:
    try:
        minx, miny, maxx, maxy = (float(part) for part in value.split(","))
    except ValueError:
        raise ValidationError(
            {
                "bbox": _("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat (got %(value)r).")
                % {"value": value}
            }
        ) from None
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise ValidationError(
            {"bbox": _("bbox must have min < max and lie within longitude −180…180, latitude −90…90.")}
        )
    bbox = Polygon.from_bbox((minx, miny, maxx, maxy))
    bbox.srid = 4326
    return bbox


class BBoxFilter(BaseFilterBackend):
    """`?bbox=min_lon,min_lat,max_lon,max_lat`: features that intersect the box (WGS84)."""

    param = "bbox"

    def filter_queryset(self, request, queryset, view):
        value = request.query_params.get(self.param)
        field = getattr(view, "bbox_filter_field", None)
        if not value or not field:
            return queryset
        return queryset.filter(**{f"{field}__intersects": parse_bbox(value)})

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "min_lon,min_lat,max_lon,max_lat (WGS84): only features intersecting this box.",
                "schema": {"type": "string", "example": "116.20,39.84,116.24,39.86"},
            }
        ]


class JurisdictionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=JurisdictionKind.choices)
    within = django_filters.CharFilter(method="filter_within", label="Code of a jurisdiction: it and its subtree")

    class Meta:
        model = Jurisdiction
        fields = ["kind", "level", "parent"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(code__startswith=value)


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)

    class Meta:
        model = Unit
        fields = ["kind", "jurisdiction", "active"]


class HotspotFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code", label="Category code")
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices)
    within = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label="Code of a jurisdiction: it and its subtree"
    )

    class Meta:
        model = Hotspot
        fields = ["category", "jurisdiction", "sponsoring_unit", "risk_level", "active"]
