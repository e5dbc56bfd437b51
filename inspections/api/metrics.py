"""`GET /api/metrics/`: the evaluation metrics (综合评价) of the caller's tasks per unit or community over a period."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.errors import Conflict
from inspections.permissions import can_view_metrics
from inspections.rectification.workdays import CalendarError, WorkCalendar
from inspections.reporting import metrics
from inspections.reporting.metrics import Grouping, Metrics, MetricsRow, checked_period, task_metrics_for_user


class MetricsQuerySerializer(serializers.Serializer):
    group = serializers.ChoiceField(
        choices=Grouping.choices,
        default=Grouping.UNIT,
        allow_blank=True,
        help_text="`unit` (default) or `community`.",
        error_messages={"invalid_choice": _("Group by “unit” or “community”, not “{input}”.")},
    )
    start = serializers.DateField(
        help_text="First day of the period, YYYY-MM-DD (local date).",
        error_messages={"required": _("Give the first day of the period as start=YYYY-MM-DD.")},
    )
    end = serializers.DateField(
        help_text=f"Last day of the period, YYYY-MM-DD (local date, included; at most {metrics.MAX_PERIOD_DAYS} days).",
        error_messages={"required": _("Give the last day of the period as end=YYYY-MM-DD.")},
    )

    def validate_group(self, value):
        return value or Grouping.UNIT  # an empty value is ignored, as every query parameter's

    def validate(self, attrs):
        attrs["period"] = checked_period(attrs["start"], attrs["end"])
        return attrs


FIGURES = (
    "due",
    "deferred",
    "closed",
    "closed_on_time",
    "reworked",
    "submitted",
    "extended",
    "late_synced",
    "on_time_closure_rate",
    "closure_rate",
    "rework_rate",
    "extension_rate",
    "mean_handling_days",
)


class MetricsRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text="The unit's or community's id; null for tasks without one (and in the total)."
    )
    name = serializers.CharField()
    due = serializers.IntegerField(help_text="应结案数: tasks due in the period (void excluded).")
    deferred = serializers.IntegerField(help_text="缓办数: of those, ever deferred.")
    closed = serializers.IntegerField(help_text="结案数: with the fix verified (status verified or closed).")
    closed_on_time = serializers.IntegerField(
        help_text="按期结案数: closed, never deferred, with the final fix submitted by the deadline in force."
    )
    reworked = serializers.IntegerField(help_text="With at least one rejected fix (返工).")
    submitted = serializers.IntegerField(help_text="With a fix submitted.")
    extended = serializers.IntegerField(help_text="With at least one extension granted (延期).")
    late_synced = serializers.IntegerField(
        help_text="补传提交数: with the final fix received more than MOVE_LATE_SYNC_HOURS after the time its tablet "
        "claims. Fixes count at their bounded time (see the task events' `counted_at`), not at the claimed one."
    )
    on_time_closure_rate = serializers.FloatField(
        allow_null=True, help_text="按期结案率 = closed_on_time / (due − deferred); null when that is 0."
    )
    closure_rate = serializers.FloatField(allow_null=True, help_text="结案率 = closed / due.")
    rework_rate = serializers.FloatField(allow_null=True, help_text="返工率 = reworked / submitted.")
    extension_rate = serializers.FloatField(allow_null=True, help_text="延期率 = extended / due.")
    mean_handling_days = serializers.FloatField(
        allow_null=True,
        help_text="Mean working days from dispatch to the final fix over the closed tasks, 2 decimals.",
    )

    def to_representation(self, row: MetricsRow):
        return {"id": row.id, "name": row.name, **{name: getattr(row.counts, name) for name in FIGURES}}


class MetricsSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=Grouping.choices)
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    rows = MetricsRowSerializer(many=True, help_text="One per unit or community with tasks due in the period.")
    total = MetricsRowSerializer(help_text="All the tasks counted.")


class MetricsView(APIView):
    """Evaluation metrics (综合评价) of the rectification tasks you may see, per unit or community."""

    @extend_schema(
        description=metrics.__doc__,
        parameters=[MetricsQuerySerializer],
        responses={
            200: MetricsSerializer,
            400: OpenApiResponse(
                description="A missing or invalid date, a day outside "
                f"{metrics.FIRST_DAY.isoformat()}…{metrics.LAST_DAY.isoformat()}, an end before the start, a period "
                f"over {metrics.MAX_PERIOD_DAYS} days, or an unknown group; the message names the parameter."
            ),
            403: OpenApiResponse(description="Volunteers and people without a unit or area see no metrics."),
            409: OpenApiResponse(
                description="The working-day calendar does not describe a year the handling times reach: an "
                "administrator must add that year's holidays and make-up working days."
            ),
        },
    )
    def get(self, request):
        if not can_view_metrics(request.user):
            raise PermissionDenied(_("Metrics are for inspectors, managers and rectification units."))
        query = MetricsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            result: Metrics = task_metrics_for_user(
                request.user, group=params["group"], period=params["period"], calendar=WorkCalendar()
            )
        except CalendarError as error:
            raise Conflict(str(error)) from error
        return Response(MetricsSerializer(result).data)
