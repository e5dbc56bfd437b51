"""`/api/tasks/`: rectification tasks, their audit trail and the moves of the workflow."""

import uuid

import django_filters
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.roles import is_manager
from geo.api.fields import TextField, UUIDTextField
from geo.api.filters import BooleanFilter, IdFilterSet
from geo.validation import clean_point
from inspections.api.serializers import (
    FindingSerializer,
    LonLatSerializer,
    PhotoSerializer,
    PositionSerializer,
    TransitionSerializer,
)
from inspections.models import Photo, PhotoRole, Task, TaskEvent, TaskStatus
from inspections.permissions import can_view_tasks
from inspections.rectification.closing import BULK_CLOSE_MAX, Outcome, tasks_close
from inspections.rectification.geofence import geofence_radius_m
from inspections.rectification.tasks import allowed_moves, task_transition
from inspections.rectification.timing import is_late_synced, last_sync_bound, sync_delay
from inspections.rectification.workflow import (
    MOVES,
    PUBLIC_ACTIONS,
    FieldKind,
    Tone,
    is_overdue,
    move_form,
    overdue_q,
)
from inspections.selectors import tasks_for_user


class StatusesField(django_filters.fields.MultipleChoiceField):
    def to_python(self, value):
        return [item for item in super().to_python(value) if item]


class StatusFilter(django_filters.MultipleChoiceFilter):
    """Repeated ``status`` values; an empty one is ignored, as an empty value of every other filter is."""

    field_class = StatusesField


class TaskFilter(IdFilterSet):
    status = StatusFilter(choices=TaskStatus.choices, help_text="Repeat for several.")
    overdue = BooleanFilter(method="filter_overdue", help_text="Still with the unit after its deadline.")
    within = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label="Jurisdiction code: it and its subtree"
    )
    problem_type = django_filters.CharFilter(field_name="finding__problem_type__code")
    near = django_filters.CharFilter(
        method="filter_near", help_text="`<lon>,<lat>`: nearest first, each with `distance_m`."
    )

    class Meta:
        model = Task
        fields = ["status", "unit", "jurisdiction", "hotspot", "origin"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q(timezone.now())) if value else queryset.exclude(overdue_q(timezone.now()))

    def filter_near(self, queryset, name, value):
        point = parse_near(value)
        return queryset.annotate(distance=Distance("location", point)).order_by("distance", "due_at")


def parse_near(value: str) -> Point:
    try:
        lon, lat = (float(part) for part in value.split(","))
        return clean_point(Point(lon, lat, srid=4326))
    except (ValueError, DjangoValidationError) as error:
        raise serializers.ValidationError(
            {"near": [_("Give near as <lon>,<lat> in WGS84 degrees, e.g. near=116.2235,39.8489.")]}
        ) from error


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class TaskSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    location = LonLatSerializer(read_only=True)
    unit = NamedSerializer(read_only=True, allow_null=True)
    hotspot = NamedSerializer(read_only=True, allow_null=True)
    jurisdiction = NamedSerializer(read_only=True)
    problem_type = serializers.CharField(source="finding.problem_type.code", read_only=True)
    problem_type_name = serializers.CharField(source="finding.problem_type.display_name", read_only=True)
    severity = serializers.CharField(source="finding.severity", read_only=True)
    description = serializers.CharField(source="finding.description", read_only=True)
    overdue = serializers.SerializerMethodField()
    distance_m = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "finding",
            "status",
            "status_display",
            "origin",
            "unit",
            "hotspot",
            "jurisdiction",
            "location",
            "problem_type",
            "problem_type_name",
            "severity",
            "description",
            "registered_at",
            "dispatched_at",
            "due_at",
            "requested_due_at",
            "overdue",
            "checked_in_at",
            "submitted_at",
            "verified_at",
            "closed_at",
            "rework_count",
            "extension_count",
            "return_count",
            "distance_m",
        ]

    def get_overdue(self, task) -> bool:
        return is_overdue(task, timezone.now())

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_m(self, task):
        distance = getattr(task, "distance", None)
        return round(distance.m, 1) if distance is not None else None


class TaskEventSerializer(serializers.ModelSerializer):
    """One audit row: a move of the workflow (``action`` as in the transition), the system's ``hold``, or a record
    that is not a move: ``register`` (the task opened) and ``deadline`` (a deadline the calendar could not give at
    dispatch, set once it could; ``data.counted_from`` is the dispatch)."""

    actor = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    photos = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    unit = serializers.IntegerField(source="unit_id", read_only=True, allow_null=True)
    late_synced = serializers.SerializerMethodField(
        help_text="Received more than MOVE_LATE_SYNC_HOURS after `claimed_at` (an offline move synced late)."
    )
    sync_delay_hours = serializers.SerializerMethodField(
        help_text="Hours from `claimed_at` (read on the server's clock) to `at` (when the server received the move), "
        "1 decimal; null without a claimed time."
    )
    clock_offset_hours = serializers.SerializerMethodField(
        help_text="Hours added to `claimed_at` to read it on the server's clock (the device's clock was that far "
        "behind; negative: ahead), 1 decimal; null when the request carried no usable `device_time`."
    )
    bounded_by_sync_at = serializers.SerializerMethodField(
        help_text="When the move claimed a time before this device's last sync after which it held no older move, "
        "that sync: the move counts from it (`counted_at`). Null otherwise."
    )

    class Meta:
        model = TaskEvent
        fields = [
            "id",
            "client_id",
            "action",
            "from_status",
            "to_status",
            "actor",
            "at",
            "claimed_at",
            "counted_at",
            "clock_offset_hours",
            "bounded_by_sync_at",
            "late_synced",
            "sync_delay_hours",
            "position",
            "note",
            "photos",
            "unit",
            "due_at",
            "data",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event):
        if event.actor is None:
            return None
        return event.actor.get_full_name() or event.actor.username

    def get_late_synced(self, event) -> bool:
        return is_late_synced(event.claimed_at, event.at, event.clock_offset)

    def get_sync_delay_hours(self, event) -> float | None:
        delay = sync_delay(event.claimed_at, event.at, event.clock_offset)
        return None if delay is None else round(delay.total_seconds() / 3600, 1)

    def get_clock_offset_hours(self, event) -> float | None:
        offset = event.clock_offset
        return None if offset is None else round(offset.total_seconds() / 3600, 1)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_bounded_by_sync_at(self, event):
        return last_sync_bound(event)

    @extend_schema_field(PositionSerializer(allow_null=True))
    def get_position(self, event):
        if event.position is None:
            return None
        return {"lon": event.position.x, "lat": event.position.y, "accuracy": event.accuracy_m}


class MoveFieldSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The field of the transition request: note, unit, due_at, position, photos.")
    kind = serializers.ChoiceField(
        choices=[kind.value for kind in FieldKind],
        help_text="`day`: a date, sent as `due_at` at the end of that day's business hours.",
    )
    label = serializers.CharField()
    required = serializers.BooleanField()
    missing = serializers.CharField(help_text="What the refusal says when a required field is missing.")
    help = serializers.CharField()
    limits = serializers.DictField(
        help_text="Any of `max_length`, `max_items`, `photo_role`, `after_deadline` (later than the current "
        "deadline and in the future), `on_site` (inside the task's site)."
    )


class MoveFormSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=PUBLIC_ACTIONS)
    label = serializers.CharField()
    tone = serializers.ChoiceField(choices=[tone.value for tone in Tone])
    fields = MoveFieldSerializer(many=True)


class TaskDetailSerializer(TaskSerializer):
    finding = FindingSerializer(read_only=True)
    before_photos = serializers.SerializerMethodField()
    after_photos = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    allowed_moves = serializers.SerializerMethodField()
    events = TaskEventSerializer(many=True, read_only=True)
    geofence_radius_m = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields,
            "before_photos",
            "after_photos",
            "allowed_transitions",
            "allowed_moves",
            "events",
            "geofence_radius_m",
        ]

    def _photos(self, task, role):
        photos = [photo for photo in task.finding.photos.all() if photo.role == role]
        return PhotoSerializer(photos, many=True, context=self.context).data

    @extend_schema_field(PhotoSerializer(many=True))
    def get_before_photos(self, task):
        return self._photos(task, PhotoRole.BEFORE)

    @extend_schema_field(PhotoSerializer(many=True))
    def get_after_photos(self, task):
        return self._photos(task, PhotoRole.AFTER)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=PUBLIC_ACTIONS)))
    def get_allowed_transitions(self, task):
        return allowed_moves(self.context["request"].user, task)

    @extend_schema_field(MoveFormSerializer(many=True))
    def get_allowed_moves(self, task):
        """The moves of ``allowed_transitions``, in the same order, each with the fields its form asks for."""
        return [move_form(MOVES[action]) for action in self.get_allowed_transitions(task)]

    def get_geofence_radius_m(self, task) -> float:
        return geofence_radius_m()


TRANSITION_REFUSED = inline_serializer(
    "TransitionRefused",
    {
        "detail": serializers.CharField(),
        "status": serializers.ChoiceField(choices=TaskStatus.choices),
        "allowed_transitions": serializers.ListField(child=serializers.CharField()),
    },
)

TRANSITION_FORBIDDEN = inline_serializer(
    "TransitionForbidden",
    {
        "detail": serializers.CharField(),
        "status": serializers.ChoiceField(choices=TaskStatus.choices, required=False),
        "allowed_transitions": serializers.ListField(child=serializers.CharField(), required=False),
    },
)
"""A 403 carries the task's state and the caller's moves, except to someone who sees no tasks (a volunteer)."""


class CanViewTasks(BasePermission):
    """The same people as the task pages (`can_view_tasks`); anyone else, a volunteer say, is refused outright."""

    message = gettext_lazy(
        "Tasks are open to managers, inspectors and the members of rectification units only: follow your "
        "reports under /api/findings/."
    )

    def has_permission(self, request, view) -> bool:
        return can_view_tasks(request.user)


class BulkCloseSerializer(serializers.Serializer):
    tasks = serializers.ListField(
        child=UUIDTextField(), min_length=1, max_length=BULK_CLOSE_MAX, help_text="The ids of the tasks."
    )
    note = TextField(required=False, allow_blank=True, default="", max_length=2000)


class CloseResultSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="task_id")
    outcome = serializers.ChoiceField(
        choices=[outcome.value for outcome in Outcome],
        help_text="`closed`; `unchanged`: it already was closed; `refused`: see `detail` and `code`.",
    )
    status = serializers.ChoiceField(
        choices=TaskStatus.choices, allow_null=True, help_text="The task's status now; null for a task you cannot see."
    )
    detail = serializers.CharField(help_text="Why a refused task was not closed.")
    code = serializers.IntegerField(
        help_text="What closing this task alone would have answered: 200, 400, 403 (not your move), 404 (no such "
        "task for you) or 409 (not verified)."
    )


class BulkCloseAnswerSerializer(serializers.Serializer):
    closed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = CloseResultSerializer(many=True)


NOT_YOURS = OpenApiResponse(description="Volunteers (and anyone the task pages refuse) see no tasks at all.")


@extend_schema_view(
    list=extend_schema(responses={200: TaskSerializer(many=True), 403: NOT_YOURS}),
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter("near", OpenApiTypes.STR, description="`<lon>,<lat>`: the task's `distance_m` from there.")
        ],
        responses={
            200: TaskDetailSerializer,
            403: NOT_YOURS,
            404: OpenApiResponse(description="No such task for you."),
        },
    ),
)
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Rectification tasks: a unit member sees the unit's; inspectors and managers those of their area. Volunteers
    are refused (403), as on the task pages.

    Ordered by deadline (the earliest first), or by distance with `near`."""

    permission_classes = [IsAuthenticated, CanViewTasks]
    filterset_class = TaskFilter
    ordering_fields = ["due_at", "registered_at", "updated_at", "status"]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        qs = tasks_for_user(self.request.user)
        if self.action == "list":
            return qs
        photos = Photo.objects.select_related("file").prefetch_related("flags")
        return qs.prefetch_related(
            Prefetch("finding__photos", queryset=photos),
            Prefetch("events", queryset=TaskEvent.objects.select_related("actor").prefetch_related("photos")),
        )

    def get_serializer_class(self):
        return TaskSerializer if self.action == "list" else TaskDetailSerializer

    @extend_schema(
        request={"application/json": TransitionSerializer},
        responses={
            200: TaskDetailSerializer,
            400: OpenApiResponse(description="A missing or wrong detail: note, unit, deadline, position, photos."),
            403: OpenApiResponse(TRANSITION_FORBIDDEN, description="This move is not yours to make."),
            404: OpenApiResponse(description="No such task for you."),
            409: OpenApiResponse(TRANSITION_REFUSED, description="The task's state does not allow this move."),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the task: `accept`, `start`, `check_in`, `submit` (after-photos inside the geofence), `return`,
        `request_extension` (unit); `verify`, `reject` (inspector or manager of another unit); `dispatch`,
        `approve_extension`, `refuse_extension`, `defer`, `resume`, `void`, `close` (manager). A move the task
        already made is a no-op; a move with an `id` already recorded answers with the task as it is."""
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            task_id = uuid.UUID(pk)
        except ValueError as error:
            raise Http404 from error
        result = task_transition(user=request.user, task_id=task_id, data=payload.to_input())
        task = self.get_queryset().get(pk=result.task.pk)
        return Response(
            TaskDetailSerializer(task, context=self.get_serializer_context()).data, status=status.HTTP_200_OK
        )

    @extend_schema(
        request={"application/json": BulkCloseSerializer},
        responses={
            200: BulkCloseAnswerSerializer,
            400: OpenApiResponse(description="No task ids, more than 200, or one that is not a UUID."),
            403: OpenApiResponse(description="Closing is for managers."),
        },
    )
    @action(detail=False, methods=["post"], url_path="close")
    def close(self, request):
        """Close (结案) several verified tasks at once, each through the `close` move with its audit row, each in its
        own transaction: not all or nothing. The answer has one result per task (duplicates once, in the order
        given): a task outside your area is refused with code 404, one not verified with 409, and the others are
        closed all the same. Closing a task again is `unchanged`."""
        if not is_manager(request.user):
            raise PermissionDenied(_("Closing tasks is for managers."))
        payload = BulkCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        results = tasks_close(
            user=request.user, task_ids=payload.validated_data["tasks"], note=payload.validated_data["note"]
        )
        counts = {outcome.value: sum(1 for r in results if r.outcome == outcome) for outcome in Outcome}
        answer = {**counts, "results": CloseResultSerializer(results, many=True).data}
        return Response(answer, status=status.HTTP_200_OK)
