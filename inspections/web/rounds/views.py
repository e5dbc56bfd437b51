"""Managers' rounds pages: the area's rounds with their progress, the form that plans or changes one (grid cells,
categories and communities are expanded into hotspots when it is saved), a round's stops in visiting order with
their visits, and the coverage list: assigned hotspots nobody visited."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspections.models import RoundStop
from inspections.permissions import can_change_round, can_plan_rounds
from inspections.rounds.selectors import round_stops, rounds_for_user, unvisited_stops, with_progress
from inspections.rounds.services import round_create, round_delete, round_move_stop, round_update
from inspections.web.rounds.forms import CoverageForm, RoundForm

PAGE_SIZE = 30
COVERAGE_DAYS = 7


def _planner(request) -> None:
    if not can_plan_rounds(request.user):
        raise PermissionDenied


def _area_rounds(request):
    _planner(request)
    return rounds_for_user(request.user)


def _changeable(request, pk: int):
    round_ = get_object_or_404(_area_rounds(request), pk=pk)
    if not can_change_round(request.user, round_):
        raise PermissionDenied
    return round_


@require_GET
@login_required
def round_list(request):
    rounds = with_progress(_area_rounds(request)).prefetch_related("inspectors")
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/rounds/list.html", {"page": page, "today": timezone.localdate()})


def _save(request, form, save):
    if form.is_valid():
        try:
            round_ = save(form.round_input())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            count = round_.stops.count()
            messages.success(
                request,
                ngettext("The round is saved: %(count)d hotspot.", "The round is saved: %(count)d hotspots.", count)
                % {"count": count},
            )
            return redirect("rounds:detail", pk=round_.pk)
    return None


@require_http_methods(["GET", "POST"])
@login_required
def round_new(request):
    _planner(request)
    form = RoundForm(request.POST or None, user=request.user, initial={"day": timezone.localdate()})
    if request.method == "POST":
        done = _save(request, form, lambda data: round_create(user=request.user, data=data))
        if done:
            return done
    status = 400 if form.errors else 200
    return render(request, "inspections/rounds/form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def round_edit(request, pk: int):
    round_ = _changeable(request, pk)
    initial = {
        "title": round_.title,
        "jurisdiction": round_.jurisdiction_id,
        "day": round_.day,
        "phase": round_.phase_id,
        "inspectors": list(round_.inspectors.values_list("pk", flat=True)),
        "hotspots": list(round_.stops.values_list("hotspot_id", flat=True)),
        "note": round_.note,
    }
    form = RoundForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        done = _save(request, form, lambda data: round_update(user=request.user, round_=round_, data=data))
        if done:
            return done
    status = 400 if form.errors else 200
    return render(request, "inspections/rounds/form.html", {"form": form, "round": round_}, status=status)


@require_GET
@login_required
def round_detail(request, pk: int):
    round_ = get_object_or_404(with_progress(_area_rounds(request)), pk=pk)
    return render(
        request,
        "inspections/rounds/detail.html",
        {"round": round_, "stops": round_stops(round_), "can_change": can_change_round(request.user, round_)},
    )


@require_POST
@login_required
def stop_move(request, pk: int, stop: int):
    round_ = _changeable(request, pk)
    item = get_object_or_404(RoundStop, pk=stop, round=round_)
    round_move_stop(user=request.user, stop=item, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("rounds:detail", pk=round_.pk)


@require_POST
@login_required
def round_remove(request, pk: int):
    round_ = _changeable(request, pk)
    round_delete(user=request.user, round_=round_)
    messages.success(request, _("The round “%(title)s” is deleted.") % {"title": round_.title})
    return redirect("rounds:list")


@require_GET
@login_required
def coverage(request):
    """The stops of the area's rounds in the period (the last week by default) that no inspection visited."""
    _planner(request)
    today = timezone.localdate()
    form = CoverageForm(request.GET or None)
    start, end = today - dt.timedelta(days=COVERAGE_DAYS - 1), today
    status = 200
    if form.is_bound:
        if form.is_valid():
            start = form.cleaned_data.get("start") or start
            end = form.cleaned_data.get("end") or end
        else:
            status = 400
    else:
        form = CoverageForm(initial={"start": start, "end": end})
    stops = unvisited_stops(request.user, start=start, end=end).prefetch_related("round__inspectors")
    page = Paginator(stops, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/rounds/coverage.html",
        {"form": form, "page": page, "start": start, "end": end},
        status=status,
    )
