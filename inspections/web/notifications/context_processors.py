from django.utils.functional import SimpleLazyObject

from inspections.rectification.notifications.inbox import unread_count


def unread_notifications(request) -> dict:
    """``unread_notifications`` for the navigation's badge: counted (one query) only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
