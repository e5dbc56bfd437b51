"""Column headers of the exports: each layer property's label (Chinese in zh-hans, the 台账 headers)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "id": _("ID"),
    "serial": _("No."),
    "longitude": _("Longitude"),
    "latitude": _("Latitude"),
    "wkt": _("Geometry (WKT)"),
    "state": _("State"),
    "status": _("Status"),
    "severity": _("Severity"),
    "problem_type": _("Problem type"),
    "unit": _("Responsible unit (id)"),
    "jurisdiction": _("Jurisdiction (id)"),
    "hotspot": _("Hotspot (id)"),
    "task": _("Task (id)"),
    "due_at": _("Deadline"),
    "registered_at": _("Registered"),
    "created_at": _("Created"),
    "open": _("Still open"),
    "name": _("Name"),
    "name_en": _("English name"),
    "category": _("Category"),
    "color": _("Map colour"),
    "risk_level": _("Risk level"),
    "open_tasks": _("Open tasks"),
    "overdue_tasks": _("Overdue tasks"),
    "last_inspected": _("Last inspected"),
    "code": _("Official code"),
    "kind": _("Kind"),
    "level": _("Level"),
    "parent": _("Parent (code)"),
}


def label(name: str) -> str:
    return str(LABELS.get(name, name))
