"""What a sync request tells of its tablet: the clock offset measured on arrival, and what it still holds.

The request's ``device_time`` (the tablet's clock when it sent) gives the offset; its ``waiting_since`` (when the
oldest task move the tablet holds besides the request's own was queued, by its clock; null: none) and the moves the
server refused in it give the time before which the tablet had nothing left to send. Both are kept per device and
person (`DeviceSync`) and handed to the moves of the next requests; the rules are in
``inspections.rectification.timing``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from inspections.rectification.timing import DeviceClock, clock_offset
from mobile_forms.models import DeviceSync


@dataclass(frozen=True)
class Queue:
    """What the tablet said it still holds: ``waiting_since`` its oldest move not in this request (None: none)."""

    waiting_since: datetime | None


@dataclass(frozen=True)
class Arrival:
    """One sync request as it arrived: the tablet's clock then, and what the server knew of the device before."""

    received: datetime
    clock: DeviceClock


def device_arrival(*, user, device: str, device_time: datetime | None, received: datetime) -> Arrival:
    known = DeviceSync.objects.filter(user=user, device=device).values_list("clock_offset", "drained_at").first()
    previous, drained = known if known else (None, None)
    offset = clock_offset(device_time, received)
    return Arrival(received, DeviceClock(offset=offset, previous_offset=previous, drained_at=drained))


def device_sync_record(
    *, user, device: str, arrival: Arrival, queue: Queue | None, refused_claims: list[datetime]
) -> DeviceSync:
    """Keep the request's sync: its time, the offset measured (if any), and, when the tablet said what it still
    holds, the time before which it had nothing left to send (never moved back)."""
    clock = arrival.clock
    drained = None
    if queue is not None:
        # The smallest correction: the moves still held are later read with a correction at least as large.
        shift = timedelta()
        if clock.offset is not None:
            shift = min(offset for offset in (clock.offset, clock.previous_offset) if offset is not None)
        held = [*refused_claims, queue.waiting_since] if queue.waiting_since is not None else refused_claims
        shifted = [_shifted(time, shift) for time in held]
        drained = min([arrival.received, *(time for time in shifted if time is not None)])
    with transaction.atomic():
        row = DeviceSync.objects.select_for_update().filter(user=user, device=device).first()
        if row is None:
            try:
                with transaction.atomic():  # two first syncs of one device at once: one inserts, the other waits
                    row = DeviceSync.objects.create(user=user, device=device, synced_at=arrival.received)
            except IntegrityError:
                row = DeviceSync.objects.select_for_update().get(user=user, device=device)
        row.synced_at = arrival.received
        if clock.offset is not None:
            row.clock_offset = clock.offset
        if drained is not None and (row.drained_at is None or drained > row.drained_at):
            row.drained_at = drained
        row.save()
    return row


def _shifted(time: datetime, offset: timedelta) -> datetime | None:
    try:
        return time + offset
    except OverflowError:
        return None
