"""The import itself: the plan's rows saved through the geo services in one transaction, all or nothing."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from geo.io.errors import ImportRefused, row_refused
from geo.io.preview import CREATE, REFUSE, UPDATE, ImportPlan
from geo.services import hotspot_save, jurisdiction_save, unit_save

SAVE = {
    "hotspots": lambda instance: hotspot_save(hotspot=instance),
    "jurisdictions": lambda instance: jurisdiction_save(jurisdiction=instance),
    "units": lambda instance: unit_save(unit=instance),
}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int


def import_apply(
    *, plan: ImportPlan, skip_refused: bool = False, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Save what ``plan`` creates and updates. With refused rows the import is refused unless ``skip_refused``;
    a row the database refuses now undoes the whole import (ImportRefused naming the row)."""
    if plan.refusals and not skip_refused:
        raise ImportRefused(
            ngettext(
                "%(count)d row is refused (see the preview): nothing was imported. Fix it, or import the others "
                "without it.",
                "%(count)d rows are refused (see the preview): nothing was imported. Fix them, or import the others "
                "without them.",
                plan.refusals,
            )
            % {"count": plan.refusals}
        )
    rows = [row for row in plan.rows if row.action != REFUSE]
    if plan.target.name == "jurisdictions":  # parents first
        rows.sort(key=lambda row: (row.instance.level, row.instance.code))
    save = SAVE[plan.target.name]
    saved_codes = {}
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            instance = row.instance
            if row.parent_code:
                instance.parent = saved_codes[row.parent_code]
            try:
                save(instance)
            except ValidationError as exc:
                raise row_refused(row.number, "; ".join(exc.messages)) from None
            if plan.target.name == "jurisdictions":
                saved_codes[instance.code] = instance
            if progress is not None:
                progress(done, len(rows))
    return ImportResult(
        created=sum(row.action == CREATE for row in rows),
        updated=sum(row.action == UPDATE for row in rows),
        skipped=plan.refusals,
    )
