"""The rectification workflow (GB/T 30428: register → dispatch → rectify → report back → verify → close).

``MOVES`` is the whole transition table: each action, the states it may start from, the state it leads to, who
may make it, and its form: the fields the move asks for (kind, required or optional, limits, labels). The table's
order is the order the moves are offered in, on the task pages and in the tablet app. Nothing else changes a task's
status; ``inspections.rectification.tasks.task_transition`` applies a move under a row lock, checks its fields
against this declaration and writes the audit row. ``move_form`` is the declaration as the pages, the API and the
tablet read it.

Who:

- ``UNIT``: a member of the unit the task is dispatched to (整改责任单位);
- ``MANAGER``: a manager whose jurisdiction contains the task (督导 / 创建办), or an administrator;
- ``VERIFIER``: an inspector or manager of the task's area who does not belong to the task's unit (核查);
- ``SYSTEM``: the server itself (holding a task for triage when its evidence is flagged).
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inspections.models import TaskStatus as S

# The audit row of a task's creation (立案): not a move of the table, the task starts in the state it records.
REGISTER = "register"
# The audit row of a deadline given late: the calendar did not know the year when the task was dispatched and now
# does (the office entered that year's calendar days). Not a move either: the status stays.
DEADLINE_SET = "deadline"


class Actor(StrEnum):
    UNIT = "unit"
    MANAGER = "manager"
    VERIFIER = "verifier"
    SYSTEM = "system"


class Action(StrEnum):
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    START = "start"
    CHECK_IN = "check_in"
    SUBMIT = "submit"
    VERIFY = "verify"
    REJECT = "reject"
    CLOSE = "close"
    RETURN = "return"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    DEFER = "defer"
    RESUME = "resume"
    VOID = "void"
    HOLD = "hold"


class FieldKind(StrEnum):
    TEXT = "text"
    UNIT = "unit"  # one of the units the task may be dispatched to
    DAY = "day"  # a deadline given as a day: the end of that day's business hours
    DATETIME = "datetime"
    POSITION = "position"  # the device's position when the move is made
    PHOTOS = "photos"  # photos of the task's finding, uploaded before the move


class Tone(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DESTRUCTIVE = "destructive"  # undoes work or ends the task


NOTE_MAX_LENGTH = 2000
PHOTOS_MAX = 50


@dataclass(frozen=True)
class MoveField:
    """One field of a move's form. ``name`` is the field of the move as the API and ``MoveInput`` name it."""

    name: str
    kind: FieldKind
    label: Promise
    required: bool = False
    # What a refusal says when a required field is missing; may name the move as %(action)s.
    missing: Promise | str = ""
    help: Promise | str = ""
    # The task's attribute that stands in when the field is not given (the task's unit, the requested deadline).
    fallback: str = ""
    max_length: int | None = None
    max_items: int | None = None
    photo_role: str = ""
    # A new deadline: later than the current one and in the future.
    after_deadline: bool = False
    # Taken or made inside the task's site (its geofence).
    on_site: bool = False

    def limits(self) -> dict:
        limits = {
            "max_length": self.max_length,
            "max_items": self.max_items,
            "photo_role": self.photo_role or None,
            "after_deadline": self.after_deadline or None,
            "on_site": self.on_site or None,
        }
        return {key: value for key, value in limits.items() if value is not None}


@dataclass(frozen=True)
class Move:
    action: Action
    sources: frozenset[str]
    target: str
    actor: Actor
    label: Promise
    fields: tuple[MoveField, ...] = ()
    tone: Tone = Tone.PRIMARY

    @property
    def needs_note(self) -> bool:
        return any(field.name == "note" and field.required for field in self.fields)

    @property
    def on_site(self) -> bool:
        """Made with the device's position or photos taken on site: the tablet app makes it, not a page."""
        return any(field.kind in (FieldKind.POSITION, FieldKind.PHOTOS) for field in self.fields)


NOTE = _("Note")


def note(label: Promise = NOTE, *, required: bool = False) -> MoveField:
    return MoveField(
        "note",
        FieldKind.TEXT,
        label,
        required=required,
        missing=_("Say why (a note is required for “%(action)s”)."),
        max_length=NOTE_MAX_LENGTH,
    )


def reason(label: Promise = NOTE) -> MoveField:
    return note(label, required=True)


UNIT = MoveField(
    "unit",
    FieldKind.UNIT,
    _("Unit"),
    required=True,
    missing=_("Choose the unit to dispatch this task to."),
    fallback="unit",
)
POSITION = MoveField(
    "position",
    FieldKind.POSITION,
    _("Position"),
    required=True,
    missing=_("Arriving needs the device's position."),
    on_site=True,
)
AFTER_PHOTOS = MoveField(
    "photos",
    FieldKind.PHOTOS,
    _("After-photos"),
    required=True,
    missing=_("Add at least one after-photo of the fix, taken on site."),
    max_items=PHOTOS_MAX,
    photo_role="after",
    on_site=True,
)


def new_deadline(kind: FieldKind, **kwargs) -> MoveField:
    return MoveField(
        "due_at",
        kind,
        _("New deadline"),
        required=True,
        missing=_("Give the new deadline."),
        after_deadline=True,
        **kwargs,
    )


TERMINAL = frozenset({S.CLOSED, S.VOID})
OPEN = frozenset(S.values) - TERMINAL
# The unit holds the task: its deadline runs and it can be overdue.
WITH_UNIT = frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.REJECTED})
WORKING = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.REJECTED})
# Waiting for a manager before any unit works on it.
WITH_MANAGER = frozenset({S.TRIAGE, S.UNROUTED, S.RETURNED})
# Still to be done (the map's and the dashboard's "open tasks"): with a manager, with the unit, or awaiting
# verification.
UNFINISHED = WITH_MANAGER | WITH_UNIT | {S.SUBMITTED}

_MOVES = [
    Move(Action.DISPATCH, WITH_MANAGER, S.DISPATCHED, Actor.MANAGER, _("Dispatch to a unit"), (UNIT, note())),
    Move(Action.ACCEPT, frozenset({S.DISPATCHED}), S.ACCEPTED, Actor.UNIT, _("Accept")),
    Move(Action.START, frozenset({S.ACCEPTED, S.REJECTED}), S.IN_PROGRESS, Actor.UNIT, _("Start work")),
    Move(Action.CHECK_IN, WORKING, S.IN_PROGRESS, Actor.UNIT, _("Arrived on site"), (POSITION,)),
    Move(
        Action.SUBMIT, WORKING, S.SUBMITTED, Actor.UNIT, _("Submit the fix"), (AFTER_PHOTOS, note(_("What was done")))
    ),
    Move(Action.VERIFY, frozenset({S.SUBMITTED}), S.VERIFIED, Actor.VERIFIER, _("Verify the fix"), (note(),)),
    Move(
        Action.REJECT,
        frozenset({S.SUBMITTED}),
        S.REJECTED,
        Actor.VERIFIER,
        _("Reject the fix"),
        (reason(_("Why is the fix rejected?")),),
        Tone.DESTRUCTIVE,
    ),
    # The workflow's 结案, not the admin's plain "Close" (关闭) of its read-only pages: a message context of its own.
    Move(Action.CLOSE, frozenset({S.VERIFIED}), S.CLOSED, Actor.MANAGER, pgettext_lazy("task workflow", "Close")),
    Move(
        Action.RETURN,
        WITH_UNIT,
        S.RETURNED,
        Actor.UNIT,
        _("Return: not ours"),
        (reason(_("Why is this task not your unit’s?")),),
        Tone.DESTRUCTIVE,
    ),
    Move(
        Action.REQUEST_EXTENSION,
        WORKING,
        S.EXTENSION_REQUESTED,
        Actor.UNIT,
        _("Ask for an extension"),
        (
            new_deadline(FieldKind.DAY, help=_("The end of that day's business hours becomes the requested deadline.")),
            reason(_("Why more time is needed")),
        ),
        Tone.SECONDARY,
    ),
    Move(
        Action.APPROVE_EXTENSION,
        frozenset({S.EXTENSION_REQUESTED}),
        S.IN_PROGRESS,
        Actor.MANAGER,
        _("Approve the extension"),
        (new_deadline(FieldKind.DATETIME, fallback="requested_due_at"), note()),
    ),
    Move(
        Action.REFUSE_EXTENSION,
        frozenset({S.EXTENSION_REQUESTED}),
        S.IN_PROGRESS,
        Actor.MANAGER,
        _("Refuse the extension"),
        (reason(),),
        Tone.DESTRUCTIVE,
    ),
    Move(
        Action.DEFER,
        OPEN - {S.DEFERRED, S.VERIFIED},
        S.DEFERRED,
        Actor.MANAGER,
        _("Defer"),
        (reason(),),
        Tone.DESTRUCTIVE,
    ),
    Move(Action.RESUME, frozenset({S.DEFERRED}), S.DISPATCHED, Actor.MANAGER, _("Resume"), (UNIT,)),
    Move(Action.VOID, OPEN, S.VOID, Actor.MANAGER, _("Void"), (reason(),), Tone.DESTRUCTIVE),
    Move(Action.HOLD, frozenset({S.DISPATCHED}), S.TRIAGE, Actor.SYSTEM, _("Hold for triage")),
]

MOVES: dict[str, Move] = {move.action.value: move for move in _MOVES}
# The audit rows that are not moves of the table, by their action, with their labels.
RECORD_LABELS: dict[str, Promise] = {REGISTER: _("Registered"), DEADLINE_SET: _("Deadline set")}
# Moves a person can ask for (HOLD is the server's own).
PUBLIC_ACTIONS = [move.action.value for move in _MOVES if move.actor != Actor.SYSTEM]
# Moves that stay in the state they start from and are still recorded (arriving twice is two arrivals).
RECORDED_IN_PLACE = frozenset({Action.CHECK_IN})


def overdue_q(now: datetime, prefix: str = "") -> Q:
    """Still with the unit after its deadline (超期); on a relation reached through `prefix` (``"task__"``)."""
    return Q(**{f"{prefix}status__in": WITH_UNIT, f"{prefix}due_at__lt": now})


def is_overdue(task, now: datetime) -> bool:
    """The same as ``overdue_q``, for a task in hand."""
    return task.status in WITH_UNIT and task.due_at is not None and task.due_at < now


def action_label(action: str) -> Promise | str:
    """How an audit row's action reads: the move's label, or the label of a record that is not a move."""
    move = MOVES.get(action)
    return move.label if move is not None else RECORD_LABELS.get(action, action)


def moves_from(status: str) -> list[Move]:
    return [move for move in _MOVES if status in move.sources and move.actor != Actor.SYSTEM]


def missing_text(move: Move, field: MoveField) -> str:
    return str(field.missing) % {"action": move.label}


def move_form(move: Move) -> dict:
    """A move's declaration in the current language, as the API and the tablet app receive it."""
    return {
        "action": move.action.value,
        "label": str(move.label),
        "tone": move.tone.value,
        "fields": [
            {
                "name": field.name,
                "kind": field.kind.value,
                "label": str(field.label),
                "required": field.required,
                "missing": missing_text(move, field),
                "help": str(field.help),
                "limits": field.limits(),
            }
            for field in move.fields
        ],
    }
