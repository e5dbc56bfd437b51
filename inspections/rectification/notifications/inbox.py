"""A person's notifications (the in-app notification centre): reading them and marking them read."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.errors import NotVisible
from inspections.models import Notification
from inspections.rectification.notifications.texts import TASK_RELATIONS


def notifications_for_user(user) -> QuerySet[Notification]:
    """One's own notifications, newest first, with what rendering them reads."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related(
        *(f"task__{relation}" for relation in TASK_RELATIONS)
    )


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of one's notifications read (again: no change); NotVisible for anyone else's."""
    notification = notifications_for_user(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotVisible(_("No such notification for you."))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark all of one's unread notifications read; returns how many there were."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
