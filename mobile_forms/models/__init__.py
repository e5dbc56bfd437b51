from .checklists import Checklist, ChecklistVersion
from .questions import QuestionType
from .sync import SyncConflict, SyncRefusal

__all__ = ["Checklist", "ChecklistVersion", "QuestionType", "SyncConflict", "SyncRefusal"]
