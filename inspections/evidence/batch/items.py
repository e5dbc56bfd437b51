"""What a batch takes besides `InspectionInput`, and what it answers for each item."""

import enum
import uuid
from dataclasses import dataclass

from inspections.evidence.inspections import FindingInput


class Status(enum.StrEnum):
    CREATED = "created"
    EXISTING = "existing"
    REFUSED = "refused"


@dataclass(frozen=True)
class ItemResult:
    """What became of one item. `error` (refused) is the service's exception: ValidationError, Conflict or
    PermissionDenied. `differences` (existing) names the fields where the item differs from the stored record,
    which was kept; `findings_added` counts the item's findings new to the server that were added to it."""

    id: uuid.UUID
    status: Status
    error: Exception | None = None
    differences: tuple[str, ...] = ()
    findings_added: int = 0


@dataclass(frozen=True)
class FindingItem:
    """A finding added to an inspection that was sent before."""

    inspection_id: uuid.UUID
    finding: FindingInput


__all__ = ["FindingItem", "ItemResult", "Status"]
