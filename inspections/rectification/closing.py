"""Closing (结案) several verified tasks at once: the managers' bulk close.

Each task goes through ``task_transition`` with the ``close`` move of the table, in a transaction of its own, so
each closed task has its audit row and its rules (a manager of the task's area, a task that is verified) exactly as
when it is closed alone. The batch is not all or nothing: one task that cannot be closed (another manager closed
or voided it meanwhile, it is not verified yet, it lies outside the manager's area) is reported with its reason
and leaves the others closed. Asking twice closes nothing twice: a task already closed answers "unchanged".
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inspections.errors import Conflict, MoveForbidden, NotVisible
from inspections.rectification.tasks import MoveInput, task_transition
from inspections.rectification.workflow import Action

# The most tasks one request closes: a page of the task list is 50.
BULK_CLOSE_MAX = 200


class Outcome(StrEnum):
    CLOSED = "closed"
    UNCHANGED = "unchanged"  # already closed
    REFUSED = "refused"


@dataclass(frozen=True)
class CloseResult:
    task_id: uuid.UUID
    outcome: Outcome
    status: str | None  # the task's status after the attempt; None for a task the person cannot see
    detail: str
    code: int  # the HTTP status this item would have answered alone: 200, 400, 403, 404 or 409


def tasks_close(
    *, user, task_ids: Sequence[uuid.UUID], note: str = "", now: datetime | None = None
) -> list[CloseResult]:
    """Close each of these tasks (duplicates once, in the order given); one result per task."""
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        raise ValidationError({"tasks": _("Choose at least one task to close.")})
    if len(ids) > BULK_CLOSE_MAX:
        raise ValidationError(
            {
                "tasks": ngettext(
                    "Close at most %(max)d task at once.", "Close at most %(max)d tasks at once.", BULK_CLOSE_MAX
                )
                % {"max": BULK_CLOSE_MAX}
            }
        )
    data = MoveInput(action=Action.CLOSE, note=note)
    return [_close_one(user, task_id, data, now) for task_id in ids]


def _close_one(user, task_id: uuid.UUID, data: MoveInput, now: datetime | None) -> CloseResult:
    try:
        result = task_transition(user=user, task_id=task_id, data=data, now=now)
    except NotVisible as error:
        return CloseResult(task_id, Outcome.REFUSED, None, str(error), 404)
    except MoveForbidden as error:
        return CloseResult(task_id, Outcome.REFUSED, error.extra.get("status"), error.message, 403)
    except Conflict as error:
        return CloseResult(task_id, Outcome.REFUSED, error.extra.get("status"), error.message, 409)
    except ValidationError as error:
        return CloseResult(task_id, Outcome.REFUSED, None, " ".join(error.messages), 400)
    outcome = Outcome.CLOSED if result.created else Outcome.UNCHANGED
    return CloseResult(task_id, outcome, result.task.status, "", 200)
