"""``POST /tasks/close/``: a manager closes (结案) the verified tasks ticked on the task list.

Each task is closed through the workflow (``tasks_close``); the page then says how many were closed and, one
message each, why the others were not, and returns to the list it came from.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.roles import is_manager
from inspections.models import Task
from inspections.rectification.closing import Outcome, tasks_close


def _task_ids(values: list[str]) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(value) for value in values if value.strip()]
    except ValueError as error:
        raise ValidationError(_("A chosen task is not a task id.")) from error


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return f"{reverse('tasks:task-list')}?queue=to_close"


@login_required
@require_POST
def task_bulk_close(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_manager(user):
        raise PermissionDenied
    try:
        results = tasks_close(user=user, task_ids=_task_ids(request.POST.getlist("task")))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(_back(request))
    closed = sum(1 for result in results if result.outcome == Outcome.CLOSED)
    if closed:
        messages.success(
            request,
            ngettext("%(count)d task closed.", "%(count)d tasks closed.", closed) % {"count": closed},
        )
    names = {
        task.pk: str(task.finding.problem_type.display_name)
        for task in Task.objects.select_related("finding__problem_type").filter(
            pk__in=[r.task_id for r in results if r.outcome != Outcome.CLOSED and r.code != 404]
        )
    }
    for result in results:
        if result.outcome == Outcome.UNCHANGED:
            messages.info(request, _("%(task)s: already closed.") % {"task": names.get(result.task_id, result.task_id)})
        elif result.outcome == Outcome.REFUSED:
            messages.error(
                request,
                _("%(task)s: not closed. %(reason)s")
                % {"task": names.get(result.task_id, result.task_id), "reason": result.detail},
            )
    return redirect(_back(request))
