"""Reads of rounds and their stops, scoped to what a person may see, and what counts as a visit.

A stop is **visited** when the server has received (``Inspection.received_at``, the server's clock, never the
tablet's ``started_at``) an inspection of the stop's hotspot by one of the round's inspectors on a day of the
round's window, in the district's time zone: its day, or the first to the last day of its phase. An inspection
made offline counts on the day it reaches the server, so it counts for the round only once synced within the
window. Until the window's last day is over, an unvisited stop is **due**; after it, **missed**.
"""

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_admin, is_manager
from geo.selectors import scope_root
from inspections.models import Inspection, Round, RoundStop

VISITED = "visited"
DUE = "due"
MISSED = "missed"
STOP_STATES = (
    (VISITED, _("Visited")),
    (DUE, _("Not visited yet")),
    (MISSED, _("Not visited")),
)


def rounds_for_user(user) -> QuerySet[Round]:
    """Administrators see every round; managers their area's rounds; everyone the rounds assigned to them;
    rectifiers and anonymous visitors none."""
    qs = Round.objects.select_related("jurisdiction", "phase__campaign", "created_by")
    if is_admin(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    mine = Q(inspectors=user)
    root = scope_root(user) if is_manager(user) else None
    if root is not None:
        mine |= root.subtree_q("jurisdiction__")
    return qs.filter(pk__in=Round.objects.filter(mine).values("pk"))


def rounds_on(rounds: QuerySet[Round], day: dt.date) -> QuerySet[Round]:
    """The rounds whose window contains ``day``: rounds for that day, and rounds for a phase that covers it."""
    return rounds.filter(Q(day=day) | Q(phase__starts_on__lte=day, phase__ends_on__gte=day))


def with_window(stops: QuerySet[RoundStop]) -> QuerySet[RoundStop]:
    return stops.annotate(
        window_start=Coalesce("round__day", "round__phase__starts_on"),
        window_end=Coalesce("round__day", "round__phase__ends_on"),
    )


def _visits() -> QuerySet[Inspection]:
    """The inspections that visit the stop of the outer query (annotated with its window)."""
    return Inspection.objects.filter(
        hotspot=OuterRef("hotspot"),
        inspector__rounds=OuterRef("round"),
        received_at__date__gte=OuterRef("window_start"),
        received_at__date__lte=OuterRef("window_end"),
    )


def with_visits(stops: QuerySet[RoundStop], today: dt.date | None = None) -> QuerySet[RoundStop]:
    """Stops with ``visited`` (bool), ``visited_at`` (the first visit received) and ``state`` (visited, due,
    missed, as of ``today``: the server's date by default)."""
    today = today or timezone.localdate()
    first = _visits().order_by("received_at").values("received_at")[:1]
    return (
        with_window(stops)
        .annotate(visited=Exists(_visits()), visited_at=Subquery(first))
        .annotate(
            state=Case(
                When(visited=True, then=Value(VISITED)),
                When(window_end__lt=today, then=Value(MISSED)),
                default=Value(DUE),
                output_field=CharField(),
            )
        )
    )


def stops_for_user(user) -> QuerySet[RoundStop]:
    """The stops of the rounds this person sees, with their visits."""
    stops = RoundStop.objects.filter(round__in=rounds_for_user(user).values("pk"))
    return with_visits(stops.select_related("round", "hotspot__category", "hotspot__jurisdiction"))


def round_stops(round_: Round) -> list[RoundStop]:
    return list(with_visits(round_.stops.select_related("hotspot__category", "hotspot__jurisdiction")))


def with_progress(rounds: QuerySet[Round]) -> QuerySet[Round]:
    """Rounds with ``stop_count`` and ``visited_count``."""
    visited = with_visits(RoundStop.objects.filter(round=OuterRef("pk"))).filter(visited=True)
    counted = visited.order_by().values("round").annotate(n=Count("pk")).values("n")[:1]
    return rounds.annotate(
        stop_count=Count("stops", distinct=True),
        visited_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
    ).order_by(F("day").desc(nulls_last=True), "-created_at", "-pk")


def unvisited_stops(user, *, start: dt.date, end: dt.date) -> QuerySet[RoundStop]:
    """Coverage: the stops of this person's rounds whose window overlaps ``start``–``end`` and that no visit
    covered, by window, round and order."""
    return (
        stops_for_user(user)
        .filter(window_start__lte=end, window_end__gte=start, visited=False)
        .order_by("window_start", "round_id", "order")
    )
