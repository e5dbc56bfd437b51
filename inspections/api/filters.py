"""Filter sets of the inspection and finding lists."""

import django_filters

from geo.api.filters import IdFilter, IdFilterSet
from inspections.models import Finding, FlagCode, Inspection, Severity


class InspectionFilter(IdFilterSet):
    campaign = IdFilter(field_name="phase__campaign")
    within = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label="Jurisdiction code: it and its subtree"
    )
    problem_type = django_filters.CharFilter(field_name="findings__problem_type__code", distinct=True)
    flag = django_filters.ChoiceFilter(
        field_name="findings__photos__flags__code", choices=FlagCode.choices, distinct=True
    )
    date_from = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte")

    class Meta:
        model = Inspection
        fields = ["campaign", "phase", "hotspot", "jurisdiction", "inspector"]


class FindingFilter(IdFilterSet):
    campaign = IdFilter(field_name="inspection__phase__campaign")
    phase = IdFilter(field_name="inspection__phase")
    hotspot = IdFilter(field_name="inspection__hotspot")
    within = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label="Jurisdiction code: it and its subtree"
    )
    problem_type = django_filters.CharFilter(field_name="problem_type__code")
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    flag = django_filters.ChoiceFilter(field_name="photos__flags__code", choices=FlagCode.choices, distinct=True)
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Finding
        fields = ["jurisdiction", "routed_unit", "is_open"]
