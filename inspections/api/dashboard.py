"""`GET /api/dashboard/`: the managers' dashboard as JSON: KPI tiles with their trend, the charts' data and the
rankings of communities and units, for the map's layer filters."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.api.rankings import RankRowSerializer, red_black_field
from inspections.permissions import can_view_dashboard
from inspections.reporting import dashboard
from inspections.reporting.dashboard import RED_BLACK_N, dashboard_filter, dashboard_for_user

REFUSED = gettext_lazy("The dashboard is for managers and administrators.")


class DashboardQuerySerializer(serializers.Serializer):
    """The query parameters (the layer filtersets' names); they are checked by those filtersets."""

    start = serializers.DateField(required=False, help_text="First day, YYYY-MM-DD (default: 29 days before end).")
    end = serializers.DateField(required=False, help_text="Last day, included, YYYY-MM-DD (default: today).")
    campaign = serializers.IntegerField(required=False, help_text="Campaign id.")
    phase = serializers.IntegerField(required=False, help_text="Phase id; also the phase ranked.")
    community = serializers.IntegerField(
        required=False,
        help_text="A community (or any jurisdiction) id: its subtree. Rankings: only the hotspots in it are scored "
        "(a subdistrict ranks its communities; the units are ranked on their hotspots there).",
    )
    unit = serializers.IntegerField(
        required=False,
        help_text="The tasks' responsible unit (id). Rankings: the community ranking scores the hotspots this unit "
        "sponsors; the unit ranking is not narrowed by it (`rankings.marked_unit` names its row).",
    )
    category = serializers.CharField(
        required=False, help_text="Hotspot category code. Rankings: only hotspots of this category are scored."
    )
    problem_type = serializers.CharField(
        required=False,
        help_text="Problem type code. Does not apply to the rankings (scores come from the checklists' deductions, "
        "not from findings): `rankings.not_applied` lists it when given.",
    )
    n = red_black_field()


class KpiSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "rate"])
    value = serializers.FloatField(allow_null=True, help_text="A count, or a rate as a fraction (null: 0 / 0).")
    previous = serializers.FloatField(allow_null=True, help_text="The same figure for the previous span.")
    change = serializers.FloatField(allow_null=True, help_text="value − previous.")
    parts = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="A rate's numerator and denominator."
    )
    previous_parts = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True})
class FilterValueField(serializers.Field):
    """An id (community, unit) or a code (category, problem type), as the layer filter takes it."""

    def to_representation(self, value):
        return value


class BarSerializer(serializers.Serializer):
    key = FilterValueField(help_text="The filter value a click on the bar sets (null: none).")
    label = serializers.CharField()
    value = serializers.IntegerField()


class ChartsSerializer(serializers.Serializer):
    days = serializers.ListField(child=serializers.DateField())
    findings_per_day = serializers.ListField(child=serializers.IntegerField())
    closures_per_day = serializers.ListField(child=serializers.IntegerField())
    by_category = BarSerializer(many=True)
    by_problem_type = BarSerializer(many=True)
    by_community = BarSerializer(many=True)
    by_unit = BarSerializer(many=True)
    ageing = BarSerializer(many=True)


class ListsSerializer(serializers.Serializer):
    community = serializers.ListField(child=serializers.IntegerField())
    unit = serializers.ListField(child=serializers.IntegerField())


class RankingsSerializer(serializers.Serializer):
    phase = serializers.IntegerField(
        source="phase.pk",
        allow_null=True,
        default=None,
        help_text="The phase ranked (the whole phase: the dates only choose it when no phase is given).",
    )
    community = RankRowSerializer(many=True)
    unit = RankRowSerializer(many=True)
    red = ListsSerializer(help_text="红榜: the best n ids per level, best first.")
    black = ListsSerializer(help_text="黑榜: the worst n ids per level, worst first.")
    narrowed_by = serializers.SerializerMethodField(
        help_text="The filter's parameters that narrow the rankings: `community`, `category`, `unit` (the community "
        "ranking only)."
    )
    marked_unit = serializers.IntegerField(
        allow_null=True, help_text="The unit filtered by: the unit ranking is not narrowed by it, this is its row."
    )
    not_applied = serializers.ListField(
        child=serializers.CharField(),
        help_text="The filter's parameters given that do not apply to the rankings (`problem_type`).",
    )

    def get_narrowed_by(self, rankings) -> list[str]:
        within = rankings.within
        given = {"community": within.community_code, "category": within.category, "unit": within.unit}
        return [name for name, value in given.items() if value is not None]


class FilterSerializer(serializers.Serializer):
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    previous_start = serializers.DateField(source="previous.start")
    previous_end = serializers.DateField(source="previous.end")
    params = serializers.DictField(child=serializers.CharField(), help_text="The other filters given.")


class DashboardSerializer(serializers.Serializer):
    filter = FilterSerializer()
    kpis = KpiSerializer(many=True)
    charts = ChartsSerializer()
    rankings = RankingsSerializer()


class DashboardView(APIView):
    """KPIs, charts and rankings of your area for one filter."""

    @extend_schema(
        description=dashboard.__doc__,
        parameters=[DashboardQuerySerializer],
        responses={
            200: DashboardSerializer,
            400: OpenApiResponse(description="A wrong date, id, period or n; the message names the parameter."),
            403: OpenApiResponse(description=str(REFUSED)),
        },
    )
    def get(self, request):
        if not can_view_dashboard(request.user):
            raise PermissionDenied(REFUSED)
        extra = DashboardQuerySerializer(data={"n": request.query_params.get("n") or RED_BLACK_N})
        extra.is_valid(raise_exception=True)
        flt = dashboard_filter(request.query_params)
        board = dashboard_for_user(request.user, flt, n=extra.validated_data["n"])
        return Response(DashboardSerializer(board).data)
