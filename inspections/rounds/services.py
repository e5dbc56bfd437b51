"""Planning rounds: a manager assigns hotspots (chosen one by one, or by grid cell, category or community, which
are expanded into their hotspots when the round is saved) to inspectors for a day or a phase, in a visiting order.

Everything is checked against the planner's area: the round's area, each hotspot and each inspector must be in it,
and each inspector must be able to inspect every hotspot of the round (it lies in the area they patrol).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from accounts.selectors import people_for_user
from geo.geodesy import distance_m
from geo.models import Hotspot, HotspotCategory, Jurisdiction
from geo.models.jurisdictions import COMMUNITY_LEVEL, JurisdictionKind
from geo.selectors import hotspots_for_user, in_scope, jurisdictions_for_user
from inspections.models import Phase, Round, RoundStop
from inspections.permissions import can_change_round, can_plan_rounds

ASSIGNABLE_ROLES = (Role.INSPECTOR, Role.VOLUNTEER)


@dataclass(frozen=True)
class RoundInput:
    title: str
    jurisdiction: Jurisdiction
    inspectors: Sequence[User]
    day: dt.date | None = None
    phase: Phase | None = None
    hotspots: Sequence[Hotspot] = ()
    grid_cells: Sequence[Jurisdiction] = ()
    communities: Sequence[Jurisdiction] = ()
    categories: Sequence[HotspotCategory] = ()
    note: str = ""
    selection: dict = field(default_factory=dict)


def assignable_inspectors(user) -> QuerySet[User]:
    """The people a planner may assign: the active inspectors and volunteers of their area."""
    return people_for_user(user).filter(role__in=ASSIGNABLE_ROLES, is_active=True).order_by("username")


def plannable_hotspots(user, jurisdiction: Jurisdiction | None = None) -> QuerySet[Hotspot]:
    """The active hotspots of the planner's area (and of ``jurisdiction``'s subtree, when given)."""
    qs = hotspots_for_user(user).filter(active=True)
    return qs.filter(jurisdiction.subtree_q("jurisdiction__")) if jurisdiction is not None else qs


def expand(user, data: RoundInput) -> list[Hotspot]:
    """The hotspots the input names, each once: those chosen one by one in their order, then those of the chosen
    grid cells, communities and categories (as they are now) inside the round's area."""
    if not in_scope(user, data.jurisdiction):
        raise ValidationError({"jurisdiction": _("Choose an area inside your own.")})
    area = plannable_hotspots(user, data.jurisdiction)
    chosen = {hotspot.pk for hotspot in data.hotspots}
    outside = [hotspot for hotspot in data.hotspots if not area.filter(pk=hotspot.pk).exists()]
    if outside:
        raise ValidationError(
            {
                "hotspots": _("%(names)s: not an active hotspot of the round's area %(area)s.")
                % {"names": "、".join(hotspot.name for hotspot in outside), "area": data.jurisdiction}
            }
        )
    for name, places in (("grid_cells", data.grid_cells), ("communities", data.communities)):
        strange = [place for place in places if not in_scope(user, place)]
        if strange:
            raise ValidationError({name: _("Choose places inside your area.")})
    grouped = Q(pk__in=[])
    for place in [*data.grid_cells, *data.communities]:
        grouped |= place.subtree_q("jurisdiction__")
    if data.categories:
        grouped |= Q(category__in=[category.pk for category in data.categories])
    extra = [hotspot for hotspot in area.filter(grouped).order_by("name", "pk") if hotspot.pk not in chosen]
    return [*data.hotspots, *extra]


def _anchor(hotspot: Hotspot):
    geometry = hotspot.geometry
    return geometry if geometry.geom_type == "Point" else geometry.point_on_surface


def walking_order(hotspots: Sequence[Hotspot], start: Hotspot | None = None) -> list[Hotspot]:
    """A visiting order: from ``start`` (else the first hotspot), always to the nearest hotspot not yet visited."""
    left = list(hotspots)
    if not left:
        return []
    here = start or left.pop(0)
    ordered = [] if start else [here]
    while left:
        point = _anchor(here)
        here = min(left, key=lambda h: distance_m(point.x, point.y, _anchor(h).x, _anchor(h).y))
        left.remove(here)
        ordered.append(here)
    return ordered


def _check(user, data: RoundInput, hotspots: Sequence[Hotspot]) -> None:
    if not data.inspectors:
        raise ValidationError({"inspectors": _("Assign the round to at least one inspector.")})
    allowed = set(assignable_inspectors(user).values_list("pk", flat=True))
    strangers = [person for person in data.inspectors if person.pk not in allowed]
    if strangers:
        raise ValidationError(
            {
                "inspectors": _("%(names)s: not an inspector of your area.")
                % {"names": "、".join(person.get_username() for person in strangers)}
            }
        )
    if not hotspots:
        raise ValidationError(
            {"hotspots": _("The round has no hotspot: choose hotspots, grid cells, categories or communities.")}
        )
    for person in data.inspectors:
        root = person.scope_root()
        beyond = [h for h in hotspots if root is None or not h.jurisdiction.code.startswith(root.code)]
        if beyond:
            raise ValidationError(
                {
                    "inspectors": ngettext(
                        "%(person)s patrols %(area)s and cannot inspect %(count)d hotspot of this round (%(names)s).",
                        "%(person)s patrols %(area)s and cannot inspect %(count)d hotspots of this round (%(names)s).",
                        len(beyond),
                    )
                    % {
                        "person": person.get_full_name() or person.get_username(),
                        "area": root or _("no area"),
                        "count": len(beyond),
                        "names": "、".join(h.name for h in beyond[:5]),
                    }
                }
            )


def _selection(data: RoundInput) -> dict:
    return {
        "hotspots": [hotspot.pk for hotspot in data.hotspots],
        "grid_cells": [cell.code for cell in data.grid_cells],
        "communities": [place.code for place in data.communities],
        "categories": [category.code for category in data.categories],
        **data.selection,
    }


def _fill(round_: Round, data: RoundInput) -> None:
    round_.title = data.title
    round_.jurisdiction = data.jurisdiction
    round_.day = data.day
    round_.phase = data.phase
    round_.note = data.note


@transaction.atomic
def round_create(*, user, data: RoundInput) -> Round:
    """A new round; the stops in the order given, the expanded hotspots after them in walking order."""
    if not can_plan_rounds(user):
        raise PermissionDenied(_("Only managers plan inspection rounds."))
    hotspots = expand(user, data)
    _check(user, data, hotspots)
    round_ = Round(created_by=user, created_at=timezone.now(), selection=_selection(data))
    _fill(round_, data)
    round_.full_clean()
    round_.save()
    round_.inspectors.set(data.inspectors)
    explicit = list(data.hotspots)
    rest = walking_order(hotspots[len(explicit) :], explicit[-1] if explicit else None)
    _write_stops(round_, [*explicit, *rest])
    return round_


@transaction.atomic
def round_update(*, user, round_: Round, data: RoundInput) -> Round:
    """The round as ``data`` now describes it: stops still chosen keep their order, stops no longer chosen go, new
    hotspots follow in walking order from the last stop kept."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if not can_change_round(user, round_):
        raise PermissionDenied(_("This round belongs to another area."))
    hotspots = expand(user, data)
    _check(user, data, hotspots)
    wanted = {hotspot.pk: hotspot for hotspot in hotspots}
    kept = [stop.hotspot for stop in round_.stops.select_related("hotspot") if stop.hotspot_id in wanted]
    kept_ids = {hotspot.pk for hotspot in kept}
    new = [hotspot for hotspot in hotspots if hotspot.pk not in kept_ids]
    previous = round_.selection
    _fill(round_, data)
    round_.selection = {**_selection(data), "previous": previous.get("previous", [])[-4:] + [previous]}
    round_.full_clean()
    round_.save()
    round_.inspectors.set(data.inspectors)
    round_.stops.all().delete()
    _write_stops(round_, [*kept, *walking_order(new, kept[-1] if kept else None)])
    return round_


def _write_stops(round_: Round, hotspots: Sequence[Hotspot]) -> None:
    stops = [RoundStop(round=round_, hotspot=hotspot, order=index) for index, hotspot in enumerate(hotspots, 1)]
    for stop in stops:
        stop.full_clean(exclude=["round"], validate_unique=False, validate_constraints=False)
    RoundStop.objects.bulk_create(stops)


@transaction.atomic
def round_move_stop(*, user, stop: RoundStop, offset: int) -> None:
    """Moves a stop ``offset`` places earlier (negative) or later in the visiting order; at an end, nothing."""
    round_ = Round.objects.select_for_update().get(pk=stop.round_id)
    if not can_change_round(user, round_):
        raise PermissionDenied(_("This round belongs to another area."))
    stops = list(round_.stops.order_by("order"))
    index = next(i for i, s in enumerate(stops) if s.pk == stop.pk)
    target = min(max(index + offset, 0), len(stops) - 1)
    if target == index:
        return
    stops.insert(target, stops.pop(index))
    top = len(stops)
    # Two passes keep the (round, order) pairs unique at every step.
    for position, item in enumerate(stops, 1):
        RoundStop.objects.filter(pk=item.pk).update(order=top + position)
    for position, item in enumerate(stops, 1):
        RoundStop.objects.filter(pk=item.pk).update(order=position)


@transaction.atomic
def round_delete(*, user, round_: Round) -> None:
    if not can_change_round(user, round_):
        raise PermissionDenied(_("This round belongs to another area."))
    round_.delete()


def grid_cells_for(user) -> QuerySet[Jurisdiction]:
    return jurisdictions_for_user(user).filter(kind=JurisdictionKind.GRID)


def communities_for(user) -> QuerySet[Jurisdiction]:
    return jurisdictions_for_user(user).filter(level=COMMUNITY_LEVEL)
