from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from geo.api.filters import MAX_ID, query_id
from inspections.models import Phase
from mobile_forms.api.serializers import ChecklistVersionSerializer
from mobile_forms.selectors import published_versions, versions_in_force

UUID_RE = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class ChecklistViewSet(viewsets.ReadOnlyModelViewSet):
    """Checklist versions. The list holds the versions in force; any published version stays readable by its id."""

    serializer_class = ChecklistVersionSerializer
    pagination_class = None
    filter_backends = []
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
        versions = versions_in_force(category=request.query_params.get("category") or None, phase=phase)
        return Response(self.get_serializer(versions, many=True).data)
