"""The top navigation's links to the inspection and task pages, shown to whoever may open them (a context
processor)."""

from inspections.permissions import (
    can_plan_rounds,
    can_request_briefing,
    can_view_dashboard,
    can_view_inspections,
    can_view_tasks,
)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_inspections": can_view_inspections(user),
        "nav_tasks": can_view_tasks(user),
        "nav_briefings": can_request_briefing(user),
        "nav_rounds": can_plan_rounds(user),
        "nav_dashboard": can_view_dashboard(user),
    }
