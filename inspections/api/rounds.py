"""`/api/rounds/`: inspection rounds with their stops in visiting order and what the server counts as visited.

The tablet asks `/api/rounds/?date=today&inspector=me` when it loads its data (the service worker keeps the answer
for offline use); managers list their area's rounds. Read only: rounds are planned on the rounds pages.
"""

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated

from geo.api.filters import IdFilter
from inspections.models import Round
from inspections.permissions import can_view_rounds
from inspections.rounds.selectors import STOP_STATES, round_stops, rounds_for_user, rounds_on, with_progress


class DayField(forms.Field):
    """`today` (the server's date, in the district's time zone) or a date as YYYY-MM-DD."""

    default_error_messages = {"invalid": gettext_lazy("Give `today` or a date as YYYY-MM-DD.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value == "today":
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class PersonField(forms.Field):
    default_error_messages = {"invalid": gettext_lazy("Give `me` or a person's id.")}

    def to_python(self, value):
        if value in (None, "", "me"):
            return value or None
        if not str(value).isdigit():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


@extend_schema_field(OpenApiTypes.STR)
class DayFilter(django_filters.Filter):
    field_class = DayField


@extend_schema_field(OpenApiTypes.STR)
class PersonFilter(django_filters.Filter):
    field_class = PersonField


class RoundFilter(django_filters.FilterSet):
    date = DayFilter(
        method="filter_date",
        help_text="`today` (the server's date) or YYYY-MM-DD: the rounds for that day and those for a phase that "
        "covers it.",
    )
    inspector = PersonFilter(method="filter_inspector", help_text="`me` or a person's id: the rounds assigned to them.")
    phase = IdFilter(field_name="phase")

    class Meta:
        model = Round
        fields = []

    def filter_date(self, queryset, name, value):
        return rounds_on(queryset, value)

    def filter_inspector(self, queryset, name, value):
        person = self.request.user.pk if value == "me" else value
        return queryset.filter(inspectors=person)


class RoundStopSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    hotspot = serializers.IntegerField(source="hotspot_id")
    name = serializers.CharField(source="hotspot.name")
    category = serializers.CharField(source="hotspot.category.code")
    visited = serializers.BooleanField(help_text="The server received an inspection of it within the window.")
    visited_at = serializers.DateTimeField(allow_null=True, help_text="When the first such inspection was received.")
    state = serializers.ChoiceField(choices=STOP_STATES)


class RoundSerializer(serializers.ModelSerializer):
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    first_day = serializers.DateField(read_only=True, help_text="The window's first day (the day, or the phase's).")
    last_day = serializers.DateField(read_only=True)
    stop_count = serializers.IntegerField(read_only=True)
    visited_count = serializers.IntegerField(read_only=True)
    stops = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = [
            "id",
            "title",
            "jurisdiction",
            "day",
            "phase",
            "first_day",
            "last_day",
            "inspectors",
            "note",
            "stop_count",
            "visited_count",
            "stops",
        ]

    @extend_schema_field(RoundStopSerializer(many=True))
    def get_stops(self, round_):
        return RoundStopSerializer(round_stops(round_), many=True).data


class CanViewRounds(BasePermission):
    message = gettext_lazy("Rounds are open to inspectors, volunteers and managers.")

    def has_permission(self, request, view) -> bool:
        return can_view_rounds(request.user)


ROUNDS_REFUSED = OpenApiResponse(description="Rectification units work through their tasks and see no rounds.")


@extend_schema_view(
    list=extend_schema(responses={200: RoundSerializer(many=True), 403: ROUNDS_REFUSED}),
    retrieve=extend_schema(
        responses={
            200: RoundSerializer,
            403: ROUNDS_REFUSED,
            404: OpenApiResponse(description="No such round for you."),
        }
    ),
)
class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Rounds the caller sees (their own, or their area's for a manager), each with its stops in visiting order,
    whether each was visited and the progress. A stop is visited when the server received (its own clock) an
    inspection of the hotspot by one of the round's inspectors on a day of the round's window."""

    serializer_class = RoundSerializer
    filterset_class = RoundFilter
    permission_classes = [IsAuthenticated, CanViewRounds]

    def get_queryset(self):
        return with_progress(rounds_for_user(self.request.user)).prefetch_related("inspectors")
