from .checklists import Checklist, ChecklistVersion
from .questions import QuestionType
from .sync import DeviceSync, SyncConflict, SyncRefusal

__all__ = ["Checklist", "ChecklistVersion", "DeviceSync", "QuestionType", "SyncConflict", "SyncRefusal"]
