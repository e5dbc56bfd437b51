"""`GET /api/rankings/` and `GET /api/scores/`: checklist scores (测评) of a campaign phase, per community or unit
with their ranks and movement, and per hotspot."""

from django.db.models import Q
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.models import COMMUNITY_LEVEL, HotspotCategory
from geo.selectors import hotspots_for_user, jurisdictions_for_user, units_for_user
from inspections.models import Phase
from inspections.permissions import can_view_scores
from inspections.reporting import rankings, scores
from inspections.reporting.dashboard import RED_BLACK_N
from inspections.reporting.rankings import SCORE_DECIMALS, previous_phase, ranking, red_and_black
from inspections.reporting.scores import CommunityIndex, hotspot_scores

MAX_LIST = 50
REFUSED = gettext_lazy("Scores and rankings are for managers and administrators.")
LEVEL_CHOICES = [("community", gettext_lazy("Community")), ("unit", gettext_lazy("Unit"))]


def red_black_field() -> serializers.IntegerField:
    """``n``: how many groups the red and black lists name (the rankings' and the dashboard's query)."""
    return serializers.IntegerField(
        required=False,
        default=RED_BLACK_N,
        min_value=0,
        max_value=MAX_LIST,
        help_text=f"How many groups the red and black lists name (红榜 / 黑榜; default {RED_BLACK_N}, "
        f"at most {MAX_LIST}).",
        error_messages={
            "invalid": gettext_lazy("n is a whole number."),
            "min_value": gettext_lazy("n cannot be negative."),
            "max_value": gettext_lazy("The red and black lists name at most {max_value} groups."),
        },
    )


class PhaseField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "required": gettext_lazy("Give the campaign phase as phase=<id>."),
        "does_not_exist": gettext_lazy("There is no campaign phase {pk_value}."),
        "incorrect_type": gettext_lazy("A phase is given by its id (a whole number)."),
    }


@extend_schema_field(OpenApiTypes.INT)
class ScopedField(serializers.PrimaryKeyRelatedField):
    """A place the caller's scope holds: anything else is refused with a message, not silently ignored."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("{pk_value} is not one of your area's."),
        "incorrect_type": gettext_lazy("Give an id (a whole number)."),
    }

    def __init__(self, scoped, **kwargs):
        self.scoped = scoped
        super().__init__(required=False, allow_null=True, **kwargs)

    def get_queryset(self):
        return self.scoped(self.context["request"].user)


class RankingQuerySerializer(serializers.Serializer):
    phase = PhaseField(queryset=Phase.objects.select_related("campaign"), help_text="The campaign phase ranked.")
    level = serializers.ChoiceField(
        choices=LEVEL_CHOICES,
        help_text="`community` (社区/村) or `unit` (the hotspots' sponsoring units, 包保单位).",
        error_messages={
            "required": gettext_lazy("Give level=community or level=unit."),
            "invalid_choice": gettext_lazy("Rank by “community” or “unit”, not “{input}”."),
        },
    )
    n = red_black_field()


class RankRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key", help_text="The community's (jurisdiction) or unit's id.")
    name = serializers.CharField()
    rank = serializers.IntegerField(help_text="1 = best; equal scores share a rank.")
    score = serializers.FloatField(allow_null=True, help_text="Weighted mean of the hotspots' scores, 2 decimals.")
    inspections = serializers.IntegerField(help_text="Scored inspections counted.")
    deductions = serializers.FloatField(help_text="Points those inspections lost in total.")
    previous_rank = serializers.IntegerField(allow_null=True, help_text="The rank in the previous phase, if ranked.")
    movement = serializers.IntegerField(
        allow_null=True, help_text="previous_rank − rank: positive moved up, negative down; null when new."
    )


class RankingSerializer(serializers.Serializer):
    phase = serializers.IntegerField()
    previous_phase = serializers.IntegerField(allow_null=True)
    level = serializers.CharField()
    rows = RankRowSerializer(many=True)
    red = serializers.ListField(child=serializers.IntegerField(), help_text="红榜: the best n ids, best first.")
    black = serializers.ListField(child=serializers.IntegerField(), help_text="黑榜: the worst n ids, worst first.")


def _refuse_unless_allowed(user):
    if not can_view_scores(user):
        raise PermissionDenied(REFUSED)


class RankingView(APIView):
    """The ranking of communities or units in a campaign phase, over the hotspots of your area."""

    @extend_schema(
        description=f"{scores.__doc__}\n\n{rankings.__doc__}",
        parameters=[RankingQuerySerializer],
        responses={
            200: RankingSerializer,
            400: OpenApiResponse(description="A missing or unknown phase, level or n; the message names it."),
            403: OpenApiResponse(description=str(REFUSED)),
        },
    )
    def get(self, request):
        _refuse_unless_allowed(request.user)
        query = RankingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        phase, level, n = (query.validated_data[key] for key in ("phase", "level", "n"))
        rows = ranking(user=request.user, phase=phase, level=level)
        red, black = red_and_black(rows, n)
        previous = previous_phase(phase)
        return Response(
            RankingSerializer(
                {
                    "phase": phase.pk,
                    "previous_phase": previous.pk if previous else None,
                    "level": level,
                    "rows": rows,
                    "red": [row.key for row in red],
                    "black": [row.key for row in black],
                }
            ).data
        )


def _communities(user):
    return jurisdictions_for_user(user).filter(level=COMMUNITY_LEVEL)


class ScoresQuerySerializer(serializers.Serializer):
    phase = PhaseField(queryset=Phase.objects.all(), help_text="The campaign phase.")
    hotspot = ScopedField(hotspots_for_user, help_text="Only this hotspot.")
    community = ScopedField(_communities, help_text="Only the hotspots of this community (jurisdiction id).")
    unit = ScopedField(units_for_user, help_text="Only the hotspots this unit sponsors.")
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=HotspotCategory.objects.all(),
        required=False,
        allow_null=True,
        help_text="Only hotspots of this category (its code).",
        error_messages={"does_not_exist": gettext_lazy("There is no hotspot category “{value}”.")},
    )


class HotspotScoreSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="hotspot_id", help_text="The hotspot's id.")
    name = serializers.CharField()
    category = serializers.IntegerField(source="category_id")
    weight = serializers.FloatField(help_text="The category's score weight.")
    community = serializers.SerializerMethodField(help_text="The community (jurisdiction id) the hotspot lies in.")
    unit = serializers.IntegerField(source="unit_id", allow_null=True, help_text="The sponsoring unit.")
    score = serializers.FloatField(help_text="Mean of max(0, 100 − deduction) over its inspections, 2 decimals.")
    inspections = serializers.IntegerField()
    deductions = serializers.FloatField(help_text="Points its inspections lost in total.")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_community(self, row) -> int | None:
        community = self.context["communities"].community_of(row.jurisdiction_code)
        return community.pk if community else None

    def to_representation(self, row):
        data = super().to_representation(row)
        data["score"] = round(row.score, SCORE_DECIMALS)
        return data


class ScoresSerializer(serializers.Serializer):
    phase = serializers.IntegerField()
    rows = HotspotScoreSerializer(many=True)


class ScoresView(APIView):
    """The checklist score of each hotspot of your area inspected in a campaign phase."""

    @extend_schema(
        description=scores.__doc__,
        parameters=[ScoresQuerySerializer],
        responses={
            200: ScoresSerializer,
            400: OpenApiResponse(
                description="A missing or unknown phase, or a hotspot, community, unit or category that is not one "
                "of your area's; the message names the parameter."
            ),
            403: OpenApiResponse(description=str(REFUSED)),
        },
    )
    def get(self, request):
        _refuse_unless_allowed(request.user)
        query = ScoresQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = Q()
        if params.get("hotspot"):
            filters &= Q(hotspot=params["hotspot"])
        if params.get("community"):
            filters &= params["community"].subtree_q("hotspot__jurisdiction__")
        if params.get("unit"):
            filters &= Q(hotspot__sponsoring_unit=params["unit"])
        if params.get("category"):
            filters &= Q(hotspot__category=params["category"])
        rows = hotspot_scores(user=request.user, phases=[params["phase"]], filters=filters)
        payload = {"phase": params["phase"].pk, "rows": rows}
        return Response(ScoresSerializer(payload, context={"communities": CommunityIndex()}).data)
