"""What the rounds' tests build: a visit received by the server now or at a given time."""

import datetime as dt
import uuid

from django.utils import timezone

from inspections.evidence.inspections import InspectionInput, inspection_submit


def visit(user, phase, hotspot, *, received_at=None):
    """An inspection of ``hotspot`` by ``user``, received by the server now (or at ``received_at``)."""
    inspection, _ = inspection_submit(
        user=user,
        data=InspectionInput(
            id=uuid.uuid4(), phase=phase, hotspot=hotspot, started_at=timezone.now() - dt.timedelta(minutes=5)
        ),
    )
    if received_at is not None:
        type(inspection).objects.filter(pk=inspection.pk).update(received_at=received_at)
    return inspection
