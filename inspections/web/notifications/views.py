"""The notification centre: one's notifications, newest first, rendered in the page's language."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from inspections.errors import NotVisible
from inspections.models import Notification
from inspections.rectification.notifications.inbox import (
    notification_mark_read,
    notifications_for_user,
    notifications_mark_all_read,
    unread_count,
)
from inspections.rectification.notifications.occurrences import key_deadline
from inspections.rectification.notifications.texts import Message, message_for, task_path

PAGE_SIZE = 25


@dataclass(frozen=True)
class Item:
    notification: Notification
    message: Message
    task_path: str


def rendered(notification: Notification) -> Message:
    """The notification's title and text in the active language."""
    return message_for(notification.event, notification.task, deadline=key_deadline(notification.key))


@require_GET
@login_required
def notification_list(request):
    page = Paginator(notifications_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = [Item(n, rendered(n), task_path(n.task)) for n in page]
    return render(
        request,
        "inspections/notifications.html",
        {"page": page, "items": items, "unread": unread_count(request.user)},
    )


@require_GET
@login_required
def notification_open(request, pk: int):
    """Open the notification's task, marking the notification read."""
    try:
        notification = notification_mark_read(user=request.user, notification_id=pk)
    except NotVisible as error:
        raise Http404(str(error)) from error
    return redirect(task_path(notification.task))


@require_POST
@login_required
def notification_read(request, pk: int):
    try:
        notification_mark_read(user=request.user, notification_id=pk)
    except NotVisible as error:
        raise Http404(str(error)) from error
    return _back(request)


@require_POST
@login_required
def notifications_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
        % {"count": count},
    )
    return _back(request)


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications:list"
    return redirect(target)
