"""The inspections' map layers, registered into geo's layer registry at start-up: ``tasks`` by rectification state,
``findings`` by severity and problem type, ``hotspots`` by category and by state (open and overdue tasks, last
inspected). Each reads through the same selector as the API, so the map shows a person exactly what the API lists."""

import datetime as dt
import uuid

import django_filters
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can_view_map
from geo.api.filters import BooleanFilter, IdFilter
from geo.layers import Layer, LegendEntry, register
from geo.layers.filters import LayerFilterSet
from geo.layers.links import register_link
from geo.models import Hotspot
from geo.selectors import hotspots_for_user
from inspections.layer_photos import FINDING_PHOTOS, TASK_PHOTOS
from inspections.models import Finding, Inspection, Photo, PhotoRole, RoundStop, Severity, Task, TaskStatus
from inspections.permissions import can_view_rounds, can_view_tasks
from inspections.rectification.workflow import UNFINISHED, overdue_q
from inspections.reporting.metrics import closed_on_time_q, closed_q, counted_q
from inspections.rounds.selectors import DUE, MISSED, STOP_STATES, VISITED, stops_for_user
from inspections.selectors import findings_for_user, tasks_for_user

OVERDUE = "overdue"
OPEN = "open"  # a state filter value: any task still to be worked on, checked or dispatched (not done, not deferred)
STATE_CHOICES = [*TaskStatus.choices, (OVERDUE, _("Overdue")), (OPEN, _("Open"))]

# The colour of each state on the map; overdue and rejected stand out (red, purple, drawn larger).
TASK_LEGEND = (
    LegendEntry(OVERDUE, _("Overdue"), "#d7191c", emphasis=True),
    LegendEntry(TaskStatus.REJECTED, TaskStatus.REJECTED.label, "#7b3294", emphasis=True),
    LegendEntry(TaskStatus.TRIAGE, TaskStatus.TRIAGE.label, "#fdae61"),
    LegendEntry(TaskStatus.UNROUTED, TaskStatus.UNROUTED.label, "#f46d43"),
    LegendEntry(TaskStatus.RETURNED, TaskStatus.RETURNED.label, "#e08214"),
    LegendEntry(TaskStatus.DISPATCHED, TaskStatus.DISPATCHED.label, "#2c7bb6"),
    LegendEntry(TaskStatus.ACCEPTED, TaskStatus.ACCEPTED.label, "#4393c3"),
    LegendEntry(TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS.label, "#92c5de"),
    LegendEntry(TaskStatus.EXTENSION_REQUESTED, TaskStatus.EXTENSION_REQUESTED.label, "#b2abd2"),
    LegendEntry(TaskStatus.SUBMITTED, TaskStatus.SUBMITTED.label, "#fee090"),
    LegendEntry(TaskStatus.VERIFIED, TaskStatus.VERIFIED.label, "#1a9641"),
    LegendEntry(TaskStatus.CLOSED, TaskStatus.CLOSED.label, "#a6d96a"),
    LegendEntry(TaskStatus.DEFERRED, TaskStatus.DEFERRED.label, "#969696"),
    LegendEntry(TaskStatus.VOID, TaskStatus.VOID.label, "#cccccc"),
)

SEVERITY_LEGEND = (
    LegendEntry(Severity.SEVERE, Severity.SEVERE.label, "#d7191c", emphasis=True),
    LegendEntry(Severity.MAJOR, Severity.MAJOR.label, "#fdae61"),
    LegendEntry(Severity.MINOR, Severity.MINOR.label, "#2c7bb6"),
)

HOTSPOT_STATE_LEGEND = (
    LegendEntry(OVERDUE, _("Overdue tasks"), "#d7191c", emphasis=True),
    LegendEntry("open", _("Open tasks"), "#fdae61"),
    LegendEntry("clear", _("No open task"), "#1a9641"),
)

# A finding's weight in the heatmap: a severe problem counts three times a minor one.
SEVERITY_WEIGHT = {Severity.MINOR: 1, Severity.MAJOR: 2, Severity.SEVERE: 3}


def severity_weight(prefix: str = ""):
    return Case(
        *(When(**{f"{prefix}severity": severity}, then=Value(weight)) for severity, weight in SEVERITY_WEIGHT.items()),
        default=Value(1),
        output_field=IntegerField(),
    )


def task_state():
    """A task's state on the map: its status, or "overdue" while it is still with the unit past its deadline."""
    return Case(When(overdue_q(timezone.now()), then=Value(OVERDUE)), default=F("status"), output_field=CharField())


def state_q(values, prefix: str = "") -> Q:
    """Tasks in any of the states ``values``: a status, ``overdue`` (``overdue_q``) or ``open`` (UNFINISHED)."""
    statuses = {value for value in values if value not in (OVERDUE, OPEN)}
    if OPEN in values:
        statuses.update(UNFINISHED)
    wanted = Q(**{f"{prefix}status__in": sorted(statuses)})
    if OVERDUE in values:
        wanted |= overdue_q(timezone.now(), prefix)
    return wanted


class TaskLayerFilter(LayerFilterSet):
    time_field = "registered_at"

    campaign = IdFilter(field_name="finding__inspection__phase__campaign", label=_("Campaign (id)"))
    phase = IdFilter(field_name="finding__inspection__phase", label=_("Phase (id)"))
    category = django_filters.CharFilter(field_name="hotspot__category__code", label=_("Hotspot category (code)"))
    problem_type = django_filters.CharFilter(field_name="finding__problem_type__code", label=_("Problem type (code)"))
    severity = django_filters.ChoiceFilter(field_name="finding__severity", choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(choices=STATE_CHOICES, method="filter_status", label=_("State"))
    unit = IdFilter(field_name="unit", label=_("Responsible unit (id)"))

    class Meta:
        model = Task
        fields = []

    def filter_status(self, queryset, name, values):
        return queryset.filter(state_q(values))


class FindingLayerFilter(LayerFilterSet):
    time_field = "created_at"

    campaign = IdFilter(field_name="inspection__phase__campaign", label=_("Campaign (id)"))
    phase = IdFilter(field_name="inspection__phase", label=_("Phase (id)"))
    category = django_filters.CharFilter(field_name="inspection__hotspot__category__code", label=_("Category (code)"))
    problem_type = django_filters.CharFilter(field_name="problem_type__code", label=_("Problem type (code)"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=STATE_CHOICES, method="filter_status", label=_("Task state"))
    unit = IdFilter(field_name="task__unit", label=_("Responsible unit (id)"))
    open = BooleanFilter(field_name="is_open", label=_("Still open"))

    class Meta:
        model = Finding
        fields = []

    def filter_status(self, queryset, name, values):
        return queryset.filter(state_q(values, "task__"))


class HotspotLayerFilter(LayerFilterSet):
    time_field = "created_at"

    category = django_filters.CharFilter(field_name="category__code", label=_("Category (code)"))
    unit = IdFilter(field_name="sponsoring_unit", label=_("Sponsoring unit (id)"))
    state = django_filters.ChoiceFilter(
        choices=[(e.value, e.label) for e in HOTSPOT_STATE_LEGEND], method="filter_state"
    )

    class Meta:
        model = Hotspot
        fields = []

    def filter_state(self, queryset, name, value):
        rows = queryset.annotate(**hotspot_figures())
        if value == OVERDUE:
            return rows.filter(overdue_tasks__gt=0)
        if value == "open":
            return rows.filter(open_tasks__gt=0, overdue_tasks=0)
        return rows.filter(open_tasks=0)


def _task_count(condition: Q):
    tasks = Task.objects.filter(condition, hotspot=OuterRef("pk")).order_by().values("hotspot")
    return Coalesce(Subquery(tasks.annotate(n=Count("pk")).values("n")[:1]), 0)


def hotspot_figures() -> dict:
    now = timezone.now()
    return {
        "open_tasks": _task_count(Q(status__in=UNFINISHED)),
        "overdue_tasks": _task_count(overdue_q(now)),
    }


def hotspot_properties() -> dict:
    last_inspected = Inspection.objects.filter(hotspot=OuterRef("pk")).order_by().values("hotspot")
    figures = hotspot_figures()
    return {
        "name": "name",
        "category": "category__code",
        "color": "category__color",
        "risk_level": "risk_level",
        "jurisdiction": "jurisdiction_id",
        **figures,
        "state": Case(
            When(GreaterThan(figures["overdue_tasks"], 0), then=Value(OVERDUE)),
            When(GreaterThan(figures["open_tasks"], 0), then=Value("open")),
            default=Value("clear"),
            output_field=CharField(),
        ),
        "last_inspected": Subquery(last_inspected.annotate(at=Max("started_at")).values("at")[:1]),
    }


def _first_photo(role: str, newest: bool):
    """The id of the task's finding's first before-photo or latest after-photo: the map's popup shows its
    thumbnail through the permission-checked photo view."""
    photos = Photo.objects.filter(finding=OuterRef("finding"), role=role)
    order = "-uploaded_at" if newest else "uploaded_at"
    return Subquery(photos.order_by(order, "pk").values("pk")[:1])


def task_properties() -> dict:
    return {
        "task": "pk",  # the feature id in GeoJSON, but a tile's feature id is an integer: the popup's link needs it
        "state": task_state(),
        "status": "status",
        "problem_type": "finding__problem_type__code",
        "severity": "finding__severity",
        "unit": "unit_id",
        "jurisdiction": "jurisdiction_id",
        "hotspot": "hotspot_id",
        "due_at": "due_at",
        "registered_at": "registered_at",
        "before_photo": _first_photo(PhotoRole.BEFORE, newest=False),
        "after_photo": _first_photo(PhotoRole.AFTER, newest=True),
    }


def task_figures() -> dict:
    """What a task aggregate cell counts, by the metrics' own rules: overdue (``overdue_q``), closed (fix verified),
    and the on-time rate's parts as 按期结案率 counts them for a period ending today: ``on_time`` (closed on time)
    over ``on_time_base`` (tasks come due by today, not void, never deferred: due − deferred)."""
    now = timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    until = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    come_due = counted_q(None, until)
    return {
        "overdue": overdue_q(now),
        "closed": closed_q(),
        "on_time": come_due & closed_on_time_q(),
        "on_time_base": come_due & Q(was_deferred=False),
    }


TASK_RATES = (("overdue_share", "overdue", "count"), ("on_time_rate", "on_time", "on_time_base"))


def finding_properties() -> dict:
    return {
        "severity": "severity",
        "problem_type": "problem_type__code",
        "jurisdiction": "jurisdiction_id",
        "task": "task__id",
        "state": Case(
            When(Q(task__isnull=True), then=Value("")),
            When(overdue_q(timezone.now(), "task__"), then=Value(OVERDUE)),
            default=F("task__status"),
            output_field=CharField(),
        ),
        "created_at": "created_at",
        "open": "is_open",
    }


TASKS = Layer(
    name="tasks",
    label=_("Rectification tasks"),
    description=_("Tasks by rectification state; overdue and rejected stand out."),
    rows=tasks_for_user,
    geometry="location",
    properties=task_properties,
    filterset=TaskLayerFilter,
    style="state",
    legend=TASK_LEGEND,
    time_field="registered_at",
    weight=lambda: severity_weight("finding__"),
    sources=("inspections.Task", "inspections.TaskEvent", "inspections.Finding", "inspections.ProblemType"),
    visible=can_view_tasks,  # whom the task pages refuse (volunteers) get 403, not an empty layer
    figures=task_figures,
    rates=TASK_RATES,
    photos=TASK_PHOTOS,
)

FINDINGS = Layer(
    name="findings",
    label=_("Findings"),
    description=_("Problems found, by severity and problem type."),
    rows=findings_for_user,
    geometry="location",
    properties=finding_properties,
    filterset=FindingLayerFilter,
    style="severity",
    legend=SEVERITY_LEGEND,
    time_field="created_at",
    weight=severity_weight,
    sources=("inspections.Finding", "inspections.Task", "inspections.ProblemType"),
    visible=can_view_map,
    photos=FINDING_PHOTOS,
)

HOTSPOTS = Layer(
    name="hotspots",
    label=_("Hotspots"),
    description=_("Hotspots by category, and by state: overdue tasks, open tasks, none."),
    rows=hotspots_for_user,
    geometry="geometry",
    properties=hotspot_properties,
    filterset=HotspotLayerFilter,
    style="state",
    legend=HOTSPOT_STATE_LEGEND,
    time_field="created_at",
    sources=("geo.Hotspot", "geo.HotspotCategory", "inspections.Task", "inspections.Inspection"),
    visible=can_view_map,
)


COVERAGE_LEGEND = (
    LegendEntry(MISSED, dict(STOP_STATES)[MISSED], "#d7191c", emphasis=True),
    LegendEntry(DUE, dict(STOP_STATES)[DUE], "#fdae61"),
    LegendEntry(VISITED, dict(STOP_STATES)[VISITED], "#1a9641"),
)


class CoverageLayerFilter(LayerFilterSet):
    """``start``/``end``: the rounds whose window (their day, or their phase) overlaps the range."""

    jurisdiction_field = "hotspot__jurisdiction"

    round = IdFilter(field_name="round", label=_("Round (id)"))
    inspector = IdFilter(field_name="round__inspectors", label=_("Inspector (id)"), distinct=True)
    campaign = IdFilter(field_name="round__phase__campaign", label=_("Campaign (id)"))
    phase = IdFilter(field_name="round__phase", label=_("Phase (id)"))
    category = django_filters.CharFilter(field_name="hotspot__category__code", label=_("Category (code)"))
    state = django_filters.MultipleChoiceFilter(field_name="state", choices=STOP_STATES, label=_("Visit"))

    class Meta:
        model = RoundStop
        fields = []

    def filter_start(self, queryset, name, value):
        return queryset.filter(window_end__gte=value)

    def filter_end(self, queryset, name, value):
        return queryset.filter(window_start__lte=value)


def coverage_properties() -> dict:
    return {
        "state": "state",
        "round": "round_id",
        "title": "round__title",
        "order": "order",
        "hotspot": "hotspot_id",
        "name": "hotspot__name",
        "category": "hotspot__category__code",
        "jurisdiction": "hotspot__jurisdiction_id",
        "first_day": "window_start",
        "last_day": "window_end",
        "visited_at": "visited_at",
    }


COVERAGE = Layer(
    name="coverage",
    label=_("Round coverage"),
    description=_("The hotspots assigned in inspection rounds: visited, not visited yet, or missed."),
    rows=stops_for_user,
    geometry="hotspot__geometry",
    properties=coverage_properties,
    filterset=CoverageLayerFilter,
    style="state",
    legend=COVERAGE_LEGEND,
    sources=("inspections.Round", "inspections.RoundStop", "inspections.Inspection"),
    visible=can_view_rounds,  # rectifiers get 403; field staff see the rounds assigned to them
    figures=lambda: {"visited": Q(visited=True), "missed": Q(state=MISSED)},
    rates=(("visited_share", "visited", "count"),),
)
_ZERO = uuid.UUID(int=0)


def _with_id(name: str, *args) -> str:
    return reverse(name, args=[_ZERO, *args]).replace(str(_ZERO), "{id}")


def register_layers() -> None:
    for layer in (TASKS, FINDINGS, HOTSPOTS, COVERAGE):
        register(layer)
    # What the map links to: a task's page, a photo's thumbnail (through the permission-checked view), and the
    # campaigns and problem types its filters offer.
    register_link("task", lambda: _with_id("tasks:task-detail"))
    register_link("photo", lambda: _with_id("photo-file", "thumbnail"))
    register_link("campaigns", lambda: reverse("campaign-list"))
    register_link("problemTypes", lambda: reverse("problem-type-list"))
