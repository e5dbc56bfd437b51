from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from geo.api.filters import MAX_ID, query_id
from geo.api.ordering import PARAMETER as ORDERING
from geo.api.ordering import order_items, ordering_terms
from inspections.models import Phase
from mobile_forms.api.serializers import ChecklistVersionSerializer
from mobile_forms.selectors import published_versions, versions_in_force

UUID_RE = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


ORDERING_NAMES = [name for field in ("code", "title", "created_at") for name in (field, f"-{field}")]


class ChecklistViewSet(viewsets.ReadOnlyModelViewSet):
    """Checklist versions. The list holds the versions in force; any published version stays readable by its id."""

    serializer_class = ChecklistVersionSerializer
    pagination_class = None
    filter_backends = []
    # The list is read whole (the versions in force), then ordered here: field → attribute.
    ordering_paths = {"code": "checklist.code", "title": "title", "created_at": "created_at"}
    lookup_value_regex = UUID_RE

    def get_queryset(self):
        return published_versions()

    @extend_schema(
        parameters=[
            OpenApiParameter("category", OpenApiTypes.STR, description="Hotspot category code."),
            OpenApiParameter(
                "phase",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                description="Campaign phase id: the checklists for its kind of phase, else those for every phase.",
            ),
            OpenApiParameter(
                ORDERING,
                {"type": "array", "items": {"type": "string", "enum": ORDERING_NAMES}},
                style="form",
                explode=False,
                description="Order by these fields, separated by commas; a leading - reverses one.",
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        phase = None
        phase_id = query_id(request.query_params, "phase")
        if phase_id is not None:
            phase = Phase.objects.filter(pk=phase_id).first()
            if phase is None:
                raise serializers.ValidationError(
                    {"phase": [_("There is no phase with the id “%(id)s”.") % {"id": phase_id}]}
                )
        terms = ordering_terms(request, list(self.ordering_paths))
        versions = versions_in_force(category=request.query_params.get("category") or None, phase=phase)
        versions = order_items(versions, terms, self.ordering_paths)
        return Response(self.get_serializer(versions, many=True).data)
