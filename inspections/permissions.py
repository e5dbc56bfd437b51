"""Flat authorization predicates for inspections, findings and photos."""

from accounts.roles import is_admin, is_field_role, is_manager, is_rectifier, is_unit_member, is_verifier
from geo.selectors import scope_root
from inspections.models import Task


def can_submit_inspection(user) -> bool:
    return is_field_role(user)


def can_view_inspections(user) -> bool:
    """Inspectors, volunteers, managers and administrators review inspections; rectifiers work through tasks."""
    return can_submit_inspection(user)


def can_add_before_photo(user, inspection) -> bool:
    """The inspector who made the inspection (for its findings too), or a manager who can see it."""
    return bool(user.is_authenticated and (inspection.inspector_id == user.pk or is_manager(user)))


def can_add_after_photo(user, finding) -> bool:
    """A member of the unit the finding's task is dispatched to, or a manager who can see it."""
    if not user.is_authenticated:
        return False
    if is_manager(user):
        return True
    task = Task.objects.filter(finding=finding).only("unit_id").first()
    return task is not None and is_task_unit_member(user, task)


# Rectification tasks


def in_task_area(user, task) -> bool:
    """The task lies in the jurisdiction subtree this person oversees or patrols."""
    if is_admin(user):
        return True
    root = scope_root(user)
    return root is not None and task.jurisdiction.code.startswith(root.code)


def is_task_unit_member(user, task) -> bool:
    return is_unit_member(user) and task.unit_id == user.unit_id


def can_manage_task(user, task) -> bool:
    """Triage, dispatch, extensions, deferral, void and closing: a manager of the task's area."""
    return is_manager(user) and in_task_area(user, task)


def can_verify_task(user, task) -> bool:
    """An inspector or manager of the task's area, never a member of the unit that made the fix."""
    if not user.is_authenticated or (task.unit_id is not None and user.unit_id == task.unit_id):
        return False
    return is_verifier(user) and in_task_area(user, task)


def can_work_on_task(user, task) -> bool:
    """Accept, start, arrive, submit the fix, return, ask for an extension: the task's own unit."""
    return is_task_unit_member(user, task)


def can_view_metrics(user) -> bool:
    """Inspectors, managers and administrators see their area's metrics; a unit's members their unit's."""
    return is_verifier(user) or is_unit_member(user)


def can_view_scores(user) -> bool:
    """Checklist scores and rankings (测评): the campaign office, i.e. managers and administrators."""
    return is_manager(user)


def can_view_tasks(user) -> bool:
    """The task pages: managers, inspectors (who verify fixes) and the units' members; not volunteers."""
    return is_verifier(user) or is_rectifier(user)


def can_view_dashboard(user) -> bool:
    """The dashboard shows rankings (``can_view_scores``) and the area's task figures: managers and administrators."""
    return can_view_scores(user) and can_view_tasks(user)


# Briefings (通报 / 简报)


def can_request_briefing(user) -> bool:
    """Managers brief their area; administrators the whole district."""
    return is_manager(user)


def can_view_briefing(user, briefing) -> bool:
    """A manager whose area contains the briefing's scope (a district-wide briefing: administrators only)."""
    if is_admin(user):
        return True
    if not is_manager(user) or briefing.scope_id is None:
        return False
    root = scope_root(user)
    return root is not None and briefing.scope.code.startswith(root.code)


# Inspection rounds (巡查计划)


def can_plan_rounds(user) -> bool:
    """Managers assign hotspots to inspectors in their area; administrators anywhere. Inspectors never assign."""
    return is_manager(user)


def can_change_round(user, round_) -> bool:
    """A manager of the round's area."""
    if not can_plan_rounds(user):
        return False
    if is_admin(user):
        return True
    root = scope_root(user)
    return root is not None and round_.jurisdiction.code.startswith(root.code)


def can_view_rounds(user) -> bool:
    """Field staff see the rounds assigned to them, managers their area's; rectifiers work through tasks."""
    return is_field_role(user)
