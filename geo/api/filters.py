"""Query filters of the API: the bbox, ids, and the filter sets of jurisdictions, units and hotspots.

An empty query value is ignored, as if the parameter were not given (django-filter's rule, kept by every filter).
"""

import django_filters
from django import forms
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from geo.models import Hotspot, Jurisdiction, JurisdictionKind, RiskLevel, Unit, UnitKind

# The largest id either database stores (a signed 64-bit integer); larger numbers overflow SQLite's driver.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    """An id in a query: a whole number from 1 to ``MAX_ID``; anything else gets one message that says so."""

    default_error_messages = {
        "invalid": gettext_lazy("Give an id: a whole number from 1 to %(max)s, not “%(value)s”."),
    }

    def to_python(self, value):
        try:
            number = super().to_python(value)
            valid = number is None or 1 <= number <= MAX_ID
        except DjangoValidationError:
            valid = False
        if not valid:
            raise DjangoValidationError(
                self.error_messages["invalid"], code="invalid", params={"max": MAX_ID, "value": str(value).strip()}
            )
        return number


@extend_schema_field(
    {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_ID,
        "description": "An id; one that names nothing you may see gives an empty list.",
    }
)
class IdFilter(django_filters.NumberFilter):
    """A filter on an id that need not exist: refuses what no id can be, with a 400; an id that names nothing (or
    nothing the caller may see) matches nothing, rather than a 400 that would tell whether it exists."""

    field_class = IdField

    def get_max_validator(self):
        return None


class TrueFalseField(forms.Field):
    """``true`` or ``false``; anything else is refused (not read as “no filter”, as Django's own boolean does)."""

    default_error_messages = {"invalid": gettext_lazy("Give true or false, not “%(value)s”.")}
    VALUES = {"true": True, "false": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value not in self.VALUES:
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})
        return self.VALUES[value]


class BooleanFilter(django_filters.BooleanFilter):
    field_class = TrueFalseField


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 32767})
class SmallNumberFilter(django_filters.NumberFilter):
    """A whole number as a small integer column stores it (0 to 32767)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=0, max_value=32767, **kwargs)

    def get_max_validator(self):
        return None


class IdFilterSet(django_filters.FilterSet):
    """The project's filter set: foreign keys in ``Meta.fields`` are id filters (not choices among every row) and
    booleans take ``true`` or ``false`` only."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.BooleanField: {"filter_class": BooleanFilter},
        models.PositiveSmallIntegerField: {"filter_class": SmallNumberFilter},
    }


def query_id(query_params, name: str) -> int | None:
    """The id in query parameter ``name``, None when absent or empty, or a 400 naming the parameter."""
    try:
        return IdField(required=False).clean(query_params.get(name))
    except DjangoValidationError as error:
        raise ValidationError({name: error.messages}) from None


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


class JurisdictionFilter(IdFilterSet):
    kind = django_filters.ChoiceFilter(choices=JurisdictionKind.choices)
    within = django_filters.CharFilter(method="filter_within", label="Code of a jurisdiction: it and its subtree")

    class Meta:
        model = Jurisdiction
        fields = ["kind", "level", "parent"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(code__startswith=value)


class UnitFilter(IdFilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)

    class Meta:
        model = Unit
        fields = ["kind", "jurisdiction", "active"]


class HotspotFilter(IdFilterSet):
    category = django_filters.CharFilter(field_name="category__code", label="Category code")
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices)
    within = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label="Code of a jurisdiction: it and its subtree"
    )

    class Meta:
        model = Hotspot
        fields = ["category", "jurisdiction", "sponsoring_unit", "risk_level", "active"]
