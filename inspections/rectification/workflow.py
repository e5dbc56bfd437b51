"""The rectification workflow (GB/T 30428: register → dispatch → rectify → report back → verify → close).

``MOVES`` is the whole transition table: each action, the states it may start from, the state it leads to and who
may make it. Nothing else changes a task's status; ``inspections.rectification.tasks.task_transition`` applies a move
under a row lock and writes the audit row.

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


@dataclass(frozen=True)
class Move:
    action: Action
    sources: frozenset[str]
    target: str
    actor: Actor
    label: Promise
    needs_note: bool = False


TERMINAL = frozenset({S.CLOSED, S.VOID})
OPEN = frozenset(S.values) - TERMINAL
# The unit holds the task: its deadline runs and it can be overdue.
WITH_UNIT = frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.REJECTED})
WORKING = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.REJECTED})
# Waiting for a manager before any unit works on it.
WITH_MANAGER = frozenset({S.TRIAGE, S.UNROUTED, S.RETURNED})

_MOVES = [
    Move(Action.DISPATCH, WITH_MANAGER, S.DISPATCHED, Actor.MANAGER, _("Dispatch to a unit")),
    Move(Action.ACCEPT, frozenset({S.DISPATCHED}), S.ACCEPTED, Actor.UNIT, _("Accept")),
    Move(Action.START, frozenset({S.ACCEPTED, S.REJECTED}), S.IN_PROGRESS, Actor.UNIT, _("Start work")),
    Move(Action.CHECK_IN, WORKING, S.IN_PROGRESS, Actor.UNIT, _("Arrived on site")),
    Move(Action.SUBMIT, WORKING, S.SUBMITTED, Actor.UNIT, _("Submit the fix")),
    Move(Action.VERIFY, frozenset({S.SUBMITTED}), S.VERIFIED, Actor.VERIFIER, _("Verify the fix")),
    Move(Action.REJECT, frozenset({S.SUBMITTED}), S.REJECTED, Actor.VERIFIER, _("Reject the fix"), needs_note=True),
    Move(Action.CLOSE, frozenset({S.VERIFIED}), S.CLOSED, Actor.MANAGER, _("Close")),
    Move(Action.RETURN, WITH_UNIT, S.RETURNED, Actor.UNIT, _("Return: not ours"), needs_note=True),
    Move(
        Action.REQUEST_EXTENSION,
        WORKING,
        S.EXTENSION_REQUESTED,
        Actor.UNIT,
        _("Ask for an extension"),
        needs_note=True,
    ),
    Move(
        Action.APPROVE_EXTENSION,
        frozenset({S.EXTENSION_REQUESTED}),
        S.IN_PROGRESS,
        Actor.MANAGER,
        _("Approve the extension"),
    ),
    Move(
        Action.REFUSE_EXTENSION,
        frozenset({S.EXTENSION_REQUESTED}),
        S.IN_PROGRESS,
        Actor.MANAGER,
        _("Refuse the extension"),
        needs_note=True,
    ),
    Move(Action.DEFER, OPEN - {S.DEFERRED, S.VERIFIED}, S.DEFERRED, Actor.MANAGER, _("Defer"), needs_note=True),
    Move(Action.RESUME, frozenset({S.DEFERRED}), S.DISPATCHED, Actor.MANAGER, _("Resume")),
    Move(Action.VOID, OPEN, S.VOID, Actor.MANAGER, _("Void"), needs_note=True),
    Move(Action.HOLD, frozenset({S.DISPATCHED}), S.TRIAGE, Actor.SYSTEM, _("Hold for triage")),
]

MOVES: dict[str, Move] = {move.action.value: move for move in _MOVES}
# The audit rows that are not moves of the table, by their action, with their labels.
RECORD_LABELS: dict[str, Promise] = {REGISTER: _("Registered"), DEADLINE_SET: _("Deadline set")}
# Moves a person can ask for (HOLD is the server's own).
PUBLIC_ACTIONS = [move.action.value for move in _MOVES if move.actor != Actor.SYSTEM]
# Moves that stay in the state they start from and are still recorded (arriving twice is two arrivals).
RECORDED_IN_PLACE = frozenset({Action.CHECK_IN})


def overdue_q(now: datetime) -> Q:
    """Still with the unit after its deadline (超期)."""
    return Q(status__in=WITH_UNIT, due_at__lt=now)


def is_overdue(task, now: datetime) -> bool:
    """The same as ``overdue_q``, for a task in hand."""
    return task.status in WITH_UNIT and task.due_at is not None and task.due_at < now


def action_label(action: str) -> Promise | str:
    """How an audit row's action reads: the move's label, or the label of a record that is not a move."""
    move = MOVES.get(action)
    return move.label if move is not None else RECORD_LABELS.get(action, action)


def moves_from(status: str) -> list[Move]:
    return [move for move in _MOVES if status in move.sources and move.actor != Actor.SYSTEM]
