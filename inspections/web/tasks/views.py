"""The task pages (/tasks/): work queues with counts, and one task with its evidence, map, audit trail and moves.

Reads go through ``tasks_for_user`` (a task the person cannot see is a 404); every move goes through
``task_transition``. A refused move shows its reason on the task page with the task as it is now; a move made
redirects back (post/redirect/get).
"""

import datetime as dt
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms import BoundField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import is_manager, is_rectifier
from geo.models import community_of
from inspections.errors import Conflict, MoveForbidden, NotVisible
from inspections.models import Photo, PhotoFlag, PhotoRole, Task, TaskEvent, TaskStatus
from inspections.permissions import can_manage_task, can_view_inspections, can_view_tasks
from inspections.rectification.geofence import geofence_radius_m, metres_outside, photo_position
from inspections.rectification.queues import LABELS, Queue, queue_counts, queue_tasks, queues_for
from inspections.rectification.tasks import allowed_moves, task_transition
from inspections.rectification.timing import (
    OFFSET_SHOWN,
    corrected,
    is_late_synced,
    last_sync_bound,
    sync_delay,
)
from inspections.rectification.workdays import unknown_year_within
from inspections.rectification.workflow import MOVES, Action, Move, MoveField, Tone, action_label, is_overdue
from inspections.selectors import inspections_for_user, tasks_for_user
from inspections.web.inspections.views import PAGE_SIZE
from inspections.web.presenters import flag_label, photo_urls, present_flag
from inspections.web.tasks.forms import PAGE_ACTIONS, MoveForm, TaskListFilter

# Thumbnails per side (before / after) in a row of the list; the detail page shows them all.
ROW_THUMBNAILS = 3


def _photos_queryset():
    flags = PhotoFlag.objects.order_by("code")
    return Photo.objects.select_related("file").prefetch_related(Prefetch("flags", queryset=flags, to_attr="flag_list"))


def _split_photos(task: Task) -> tuple[list[Photo], list[Photo]]:
    """Before-photos, and the after-photos of the latest submission (all after-photos when none was submitted)."""
    photos = task.finding.photo_list
    before = [photo for photo in photos if photo.role == PhotoRole.BEFORE]
    after = [photo for photo in photos if photo.role == PhotoRole.AFTER]
    submissions = getattr(task, "submissions", None)
    if submissions:
        submitted = {photo.pk for photo in submissions[0].photos.all()}
        after = [photo for photo in after if photo.pk in submitted]
    return before, after


# ---------------------------------------------------------------- the list


@dataclass
class Tab:
    queue: Queue
    label: str | Promise
    count: int
    url: str
    active: bool


# Deadlines reach this many working days ahead at most (a minor problem takes 5 by default): warn before that.
CALENDAR_LOOKAHEAD_DAYS = 10


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_view_tasks(user):
        raise PermissionDenied
    now = timezone.now()
    queues = queues_for(user)
    asked = request.GET.get("queue")
    queue = next((q for q in queues if q.value == asked), queues[0])
    counts = queue_counts(user, queues, now)
    tabs = [Tab(q, LABELS[q], counts[q], f"{reverse('tasks:task-list')}?queue={q.value}", q == queue) for q in queues]
    submissions = TaskEvent.objects.filter(action=Action.SUBMIT).order_by("-at", "-pk")
    queryset = (
        queue_tasks(user, queue, now)
        .select_related("jurisdiction__parent", "hotspot__category")
        .prefetch_related(
            Prefetch("finding__photos", queryset=_photos_queryset().order_by("uploaded_at"), to_attr="photo_list"),
            Prefetch(
                "events",
                queryset=submissions.prefetch_related(Prefetch("photos", queryset=Photo.objects.only("pk"))),
                to_attr="submissions",
            ),
        )
    )
    one_unit = is_rectifier(user)
    filterset = None
    active_filters = 0
    if queue == Queue.ALL:
        filterset = TaskListFilter(request.GET or None, queryset=queryset, request=request)
        if one_unit:  # nothing to choose
            del filterset.form.fields["unit"]
        queryset = filterset.qs
        active_filters = sum(1 for name in filterset.filters if request.GET.get(name))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for task in page:
        task.community = community_of(task.jurisdiction)
        task.overdue = is_overdue(task, now)
        # Ticked for the bulk close (结案): a verified task of this manager's area.
        task.closable = task.status == TaskStatus.VERIFIED and can_manage_task(user, task)
        before, after = _split_photos(task)
        task.before, task.before_more = before[:ROW_THUMBNAILS], max(0, len(before) - ROW_THUMBNAILS)
        task.after, task.after_more = after[:ROW_THUMBNAILS], max(0, len(after) - ROW_THUMBNAILS)
        for photo in task.finding.photo_list:
            photo.urls = photo_urls(photo)
    return render(
        request,
        "inspections/tasks/list.html",
        {
            "tabs": tabs,
            "queue": queue,
            "queue_label": LABELS[queue],
            "page": page,
            "filter": filterset,
            "active_filters": active_filters,
            "now": now,
            "is_rectifier": one_unit,
            # The verification queue's own forms: verify, and reject with its reason.
            "verify_move": MOVES[Action.VERIFY],
            "close_move": MOVES[Action.CLOSE],
            "bulk_close": any(task.closable for task in page),
            "reject_move": MOVES[Action.REJECT],
            "reject_note": next(field for field in MOVES[Action.REJECT].fields if field.name == "note"),
            "unknown_year": unknown_year_within(now, CALENDAR_LOOKAHEAD_DAYS) if is_manager(user) else None,
        },
    )


# ---------------------------------------------------------------- one task


@dataclass
class MoveFormView:
    move: Move
    form: MoveForm
    fields: list[tuple[BoundField, MoveField]] = field(default_factory=list)
    destructive: bool = False


def _initial(task: Task, action: str) -> dict:
    initial: dict = {"action": action}
    if action in (Action.DISPATCH, Action.RESUME):
        # A unit that returned the task as not theirs is not offered again.
        routed = task.unit_id or task.finding.routed_unit_id
        if routed and task.status != TaskStatus.RETURNED:
            initial["unit"] = routed
    elif action == Action.APPROVE_EXTENSION and task.requested_due_at:
        initial["due_at"] = timezone.localtime(task.requested_due_at)
    return initial


def _move_form(user, task: Task, data=None, *, action: str | None = None) -> MoveForm:
    """The form of one move: the posted one (``data``), or an empty one for ``action`` with its initial values."""
    action = data.get("action") if data is not None else action
    move = MOVES[action] if action in PAGE_ACTIONS else None
    auto_id = f"{action if move is not None else 'move'}-%s"
    if data is not None:
        return MoveForm(data, user=user, task=task, move=move, auto_id=auto_id)
    return MoveForm(initial=_initial(task, action), user=user, task=task, move=move, auto_id=auto_id)


def _move_forms(user, task: Task, allowed: list[str], posted: MoveForm | None) -> list[MoveFormView]:
    views = []
    for action in allowed:
        move = MOVES[action]
        if move.on_site:
            continue
        if posted is not None and posted.data.get("action") == action:
            form = posted
        else:
            form = _move_form(user, task, action=action)
        views.append(
            MoveFormView(
                move=move,
                form=form,
                fields=[(form[name], declared) for name, declared in form.declared],
                destructive=move.tone == Tone.DESTRUCTIVE,
            )
        )
    return views


def _map_data(task: Task, after: list[Photo], events: list[TaskEvent]) -> dict:
    finding = task.finding
    data = {
        "finding": {"lon": task.location.x, "lat": task.location.y, "label": finding.problem_type.display_name},
        "radius": geofence_radius_m(),
        "hotspot": None,
        "photos": [],
        "moves": [],
    }
    if task.hotspot is not None:
        data["hotspot"] = {
            "name": task.hotspot.name,
            "color": task.hotspot.category.color,
            "geometry": json.loads(task.hotspot.geometry.geojson),
        }
    for photo in after:
        if photo.position is None:
            continue
        data["photos"].append(
            {
                "id": str(photo.pk),
                "lon": photo.position.x,
                "lat": photo.position.y,
                "outside": photo.metres_outside,
                "flagged": bool(photo.flag_list),
            }
        )
    for event in events:
        if event.position is None:
            continue
        data["moves"].append(
            {
                "lon": event.position.x,
                "lat": event.position.y,
                "accuracy": event.accuracy_m,
                "label": str(event.label),
            }
        )
    return data


def _event_details(event: TaskEvent) -> list[str]:
    """What the audit row's data adds, in words."""
    data = event.data or {}
    details = []
    if data.get("deadline_problem"):
        details.append(_("No deadline: %(problem)s") % {"problem": data["deadline_problem"]})
    if data.get("requested_due_at"):
        requested = timezone.localtime(dt.datetime.fromisoformat(data["requested_due_at"]))
        details.append(_("Requested deadline: %(due)s") % {"due": _datetime(requested)})
    if data.get("counted_from"):
        start = timezone.localtime(dt.datetime.fromisoformat(data["counted_from"]))
        details.append(_("Counted from the dispatch on %(start)s") % {"start": _datetime(start)})
    if data.get("previous_due_at"):
        previous = timezone.localtime(dt.datetime.fromisoformat(data["previous_due_at"]))
        details.append(_("Previous deadline: %(due)s") % {"due": _datetime(previous)})
    for code in data.get("flags", []):
        details.append(flag_label(code))
    return details


def _late_synced(event: TaskEvent) -> str:
    """The gap between when the tablet says the move was made and when the server received it, if it is late."""
    if not is_late_synced(event.claimed_at, event.at, event.clock_offset):
        return ""
    hours = round(sync_delay(event.claimed_at, event.at, event.clock_offset).total_seconds() / 3600, 1)
    return _(
        "Synced late: the tablet says it was made on %(claimed)s, %(hours)s hours before the server received it; "
        "it counts from %(counted)s."
    ) % {
        "claimed": _datetime(timezone.localtime(corrected(event.claimed_at, event.clock_offset))),
        "hours": f"{hours:g}",
        "counted": _datetime(timezone.localtime(event.counted_at or event.at)),
    }


def _timing_notes(event: TaskEvent) -> list[str]:
    """How the tablet's time was read: its clock's offset when one was corrected, the last sync when it bounded."""
    notes = []
    offset = event.clock_offset
    if event.claimed_at is not None and offset is not None and abs(offset) >= OFFSET_SHOWN:
        words = {
            "hours": f"{round(abs(offset).total_seconds() / 3600, 1):g}",
            "claimed": _datetime(timezone.localtime(event.claimed_at)),
            "corrected": _datetime(timezone.localtime(corrected(event.claimed_at, offset))),
        }
        if offset > dt.timedelta(0):
            notes.append(
                _(
                    "The tablet's clock was %(hours)s hours behind the server's: the time it gave, %(claimed)s, "
                    "reads %(corrected)s."
                )
                % words
            )
        else:
            notes.append(
                _(
                    "The tablet's clock was %(hours)s hours ahead of the server's: the time it gave, %(claimed)s, "
                    "reads %(corrected)s."
                )
                % words
            )
    synced = last_sync_bound(event)
    if synced is not None:
        notes.append(
            _(
                "The tablet claims a time before its sync of %(sync)s, after which it held no older move: "
                "it counts from that sync."
            )
            % {"sync": _datetime(timezone.localtime(synced))}
        )
    return notes


def _datetime(value: dt.datetime) -> str:
    return date_format(value, "SHORT_DATETIME_FORMAT")


def _task_for_page(user, pk) -> Task:
    events = TaskEvent.objects.select_related("actor", "unit").prefetch_related(
        Prefetch("photos", queryset=Photo.objects.only("pk", "role"))
    )
    queryset = (
        tasks_for_user(user)
        .select_related("jurisdiction__parent", "hotspot__category", "finding__routed_unit", "finding__created_by")
        .prefetch_related(
            Prefetch("finding__photos", queryset=_photos_queryset().order_by("uploaded_at"), to_attr="photo_list"),
            Prefetch("events", queryset=events, to_attr="event_list"),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def _render_detail(request, task: Task, *, posted: MoveForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    now = timezone.now()
    finding = task.finding
    photos = finding.photo_list
    for photo in photos:
        photo.urls = photo_urls(photo)
        for flag in photo.flag_list:
            present_flag(flag)
        photo.position = photo_position(photo) if photo.role == PhotoRole.AFTER else photo.file.exif_point
        photo.position_source = "exif" if photo.file.exif_point is not None else "device"
        photo.metres_outside = (
            round(metres_outside(task, photo.position), 1)
            if photo.role == PhotoRole.AFTER and photo.position is not None
            else None
        )
    before = [photo for photo in photos if photo.role == PhotoRole.BEFORE]
    after = sorted(
        (photo for photo in photos if photo.role == PhotoRole.AFTER), key=lambda p: p.uploaded_at, reverse=True
    )
    events = task.event_list
    previous = None
    for event in events:
        # The unit and the deadline are shown where a move changed them, not repeated on every row.
        event.unit_changed = previous is None or event.unit_id != previous.unit_id
        event.due_changed = previous is None or event.due_at != previous.due_at
        previous = event
        event.label = action_label(event.action)
        event.details = _event_details(event)
        event.late_synced = _late_synced(event)
        event.timing_notes = _timing_notes(event)
        event.photo_urls = [photo_urls(photo) for photo in event.photos.all()]
    allowed = allowed_moves(user, task)
    inspection = finding.inspection
    inspection_url = (
        reverse("inspections:inspection-detail", kwargs={"pk": inspection.pk})
        if can_view_inspections(user) and inspections_for_user(user).filter(pk=inspection.pk).exists()
        else None
    )
    returned = (
        next((event for event in reversed(events) if event.action == Action.RETURN), None)
        if task.status == TaskStatus.RETURNED
        else None
    )
    return render(
        request,
        "inspections/tasks/detail.html",
        {
            "task": task,
            "finding": finding,
            "inspection": inspection,
            "inspection_url": inspection_url,
            "community": community_of(task.jurisdiction),
            "overdue": is_overdue(task, now),
            "now": now,
            "before": before,
            "after": after,
            "events": events,
            "returned": returned,
            "move_forms": _move_forms(user, task, allowed, posted),
            "field_moves": [MOVES[action] for action in allowed if MOVES[action].on_site],
            "map_data": _map_data(task, after, events),
            "radius": geofence_radius_m(),
            "tiles_url": settings.MAP_TILES_URL,
            "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        },
        status=status,
    )


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return getattr(error, "message", None) or str(error)


def _next_url(request, form: MoveForm, task: Task) -> str:
    target = form.cleaned_data.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("tasks:task-detail", kwargs={"pk": task.pk})


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk) -> HttpResponse:
    user = request.user
    if not can_view_tasks(user):
        raise PermissionDenied
    task = _task_for_page(user, pk)
    if request.method == "GET":
        return _render_detail(request, task)

    form = _move_form(user, task, request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields and name != "__all__" else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return _render_detail(request, task, posted=form, status=400)
    try:
        result = task_transition(user=user, task_id=task.pk, data=form.to_input())
    except NotVisible as error:
        raise Http404 from error
    except (ValidationError, MoveForbidden, Conflict) as error:
        status = 400 if isinstance(error, ValidationError) else 403 if isinstance(error, MoveForbidden) else 409
        messages.error(request, _error_text(error))
        # The page shows the task as it is now: another person may just have moved it.
        return _render_detail(request, _task_for_page(user, pk), posted=form, status=status)
    move = MOVES[form.cleaned_data["action"]]
    status_label = TaskStatus(result.task.status).label
    if result.created:
        messages.success(
            request,
            _("Done: “%(action)s”. The task is now “%(status)s”.") % {"action": move.label, "status": status_label},
        )
    else:
        messages.info(request, _("Nothing changed: the task already is “%(status)s”.") % {"status": status_label})
    return redirect(_next_url(request, form, task))
