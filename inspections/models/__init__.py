from .briefings import Briefing, BriefingStatus
from .calendar import CalendarDay
from .campaigns import Campaign, Phase, PhaseKind
from .findings import Finding, ProblemType, Severity
from .inspections import Inspection, answers_deduction
from .notifications import Notification, NotificationEvent, WebhookDelivery
from .open311 import PublicReport, ReportingClient
from .photos import FlagCode, Photo, PhotoFile, PhotoFlag, PhotoRole
from .rounds import Round, RoundStop
from .tasks import Task, TaskEvent, TaskOrigin, TaskStatus
from .uploads import PhotoUploadSession

__all__ = [
    "Briefing",
    "BriefingStatus",
    "CalendarDay",
    "Campaign",
    "Finding",
    "FlagCode",
    "Inspection",
    "Notification",
    "NotificationEvent",
    "Phase",
    "PhaseKind",
    "Photo",
    "PhotoFile",
    "PhotoFlag",
    "PhotoRole",
    "PhotoUploadSession",
    "ProblemType",
    "PublicReport",
    "ReportingClient",
    "Round",
    "RoundStop",
    "Severity",
    "Task",
    "TaskEvent",
    "TaskOrigin",
    "TaskStatus",
    "WebhookDelivery",
    "answers_deduction",
]
