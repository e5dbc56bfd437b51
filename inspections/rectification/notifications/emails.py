"""E-mailing notifications through Django's mail backend, in each recipient's language, text and HTML.

A notification is claimed (``emailed_at`` set) before it is sent, so two runs at once never send it twice; a
failure releases it with ``email_error`` and the reminder job tries again for ``NOTIFICATION_EMAIL_RETRY_HOURS``.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from inspections.models import Notification, TaskEvent
from inspections.rectification.notifications.occurrences import key_deadline, key_task_event_id
from inspections.rectification.notifications.texts import TASK_RELATIONS, message_for, task_facts, task_url
from inspections.rectification.notifications.webhooks import ERROR_MAX_CHARS, Sent

logger = logging.getLogger(__name__)


def retry_window() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "NOTIFICATION_EMAIL_RETRY_HOURS", 24)))


def emails_send(*, keys: list[str] | None = None) -> Sent:
    """E-mail the notifications of these occurrences, or (no keys) retry those that failed recently."""
    pending = Notification.objects.select_related(
        "recipient", *(f"task__{relation}" for relation in TASK_RELATIONS)
    ).filter(emailed_at__isnull=True, recipient__is_active=True)
    pending = pending.exclude(recipient__email="")
    if keys is not None:
        pending = pending.filter(key__in=keys)
    else:
        pending = pending.filter(created_at__gte=timezone.now() - retry_window())
    result = Sent()
    for notification in list(pending.order_by("pk")):
        if not email_claim(notification):
            continue
        try:
            notification_email(notification).send()
        except Exception as error:  # any failure of the mail backend: recorded, tried again later
            Notification.objects.filter(pk=notification.pk).update(
                emailed_at=None, email_error=f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS]
            )
            logger.warning("E-mail of notification %s to %s failed: %s", notification.pk, notification.recipient, error)
            result.failed += 1
        else:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now(), email_error="")
            result.sent += 1
    return result


def email_claim(notification: Notification) -> bool:
    """Take the notification's e-mail for this run; False when another run has it (or has sent it)."""
    return bool(
        Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    )


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail of a notification, in its recipient's language."""
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = email_context(notification)
        subject = " ".join(render_to_string("inspections/email/notification_subject.txt", context).split())
        text = render_to_string("inspections/email/notification.txt", context)
        html = render_to_string("inspections/email/notification.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def email_context(notification: Notification) -> dict:
    task = notification.task
    deadline = key_deadline(notification.key)
    event_id = key_task_event_id(notification.key)
    note = TaskEvent.objects.filter(pk=event_id).values_list("note", flat=True).first() if event_id else ""
    return {
        "recipient": notification.recipient,
        "event": notification.event,
        "message": message_for(notification.event, task, deadline=deadline),
        "facts": task_facts(task, deadline=deadline),
        "address": task.hotspot.address if task.hotspot_id else "",
        "note": note or "",
        "url": task_url(task),
    }
