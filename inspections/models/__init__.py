from .calendar import CalendarDay
from .campaigns import Campaign, Phase, PhaseKind
from .findings import Finding, ProblemType, Severity
from .inspections import Inspection
from .photos import FlagCode, Photo, PhotoFile, PhotoFlag, PhotoRole
from .uploads import PhotoUploadSession

__all__ = [
    "CalendarDay",
    "Campaign",
    "Finding",
    "FlagCode",
    "Inspection",
    "Phase",
    "PhaseKind",
    "Photo",
    "PhotoFile",
    "PhotoFlag",
    "PhotoRole",
    "PhotoUploadSession",
    "ProblemType",
    "Severity",
]
