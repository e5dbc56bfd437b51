"""When a task move counts as made: the time the tablet claims, bounded by what the server can check.

A tablet records a move when it is made and sends it (with that time, ``at``) when it has signal again, so a move
may reach the server long after it was made. The claimed time is first corrected by the tablet's clock offset, then
believed only within these bounds:

- the clock offset: a request may carry the tablet's own clock (``device_time``); the server measures
  offset = received − device_time and adds it to the claim, so a tablet whose clock is days behind or ahead claims
  the server's time. An offset beyond ``DEVICE_CLOCK_MAX_OFFSET_HOURS`` (a dead clock, a forged value) corrects
  nothing: the claim is read as sent. When the server measured another offset at the device's previous sync (the
  clock was changed in between, and a queued move may have been made under either), the claim is corrected by the
  larger of the two: the later of the two readings. ``device_time`` is a claim like ``at``: it can move a claim only
  within the bounds below, never past them;
- never after the server received the move, never before the task's previous move;
- never before the photos the move carries were taken (a fix cannot be submitted before it was photographed),
  where a photo counts as taken at its camera time when that time is plausible (not ahead of the upload, not more
  than ``PHOTO_MAX_AGE_HOURS`` before it) read as it is or corrected by one of the device's offsets (the after-photos
  are taken with the tablet's camera, on the tablet's clock), the latest plausible reading; else at the time the
  server received it. Reading the camera time uncorrected too keeps a forged offset from taking a photo back;
- never before the device's last *drained* sync: each sync request of the tablet app says when the oldest task move
  it still holds besides the request's own was queued (``waiting_since``; null: none). The server keeps, per device
  and person, the latest time before which that device had nothing left to send (the received time of such a sync,
  or the corrected ``waiting_since``, or a move of the request it refused, whichever is earliest). A move that
  claims to be older than that was not in the tablet's queue then: it counts from that time. The tablet sends its
  moves in the order they were made per task, but a move may wait behind its photos, in a back-off or refused while
  later moves of other tasks go: that is why the rule rests on what the tablet said it still held, not on the time
  of its last sync. A request without ``waiting_since`` (an older app, the REST API) teaches the server nothing, and
  a client that invents a new device id each time escapes this bound (the others stay).

So an offline fix photographed before its deadline stays on time however late it syncs, and a claimed time can
reach back at most ``PHOTO_MAX_AGE_HOURS`` before the evidence arrived. A move received more than
``MOVE_LATE_SYNC_HOURS`` after its corrected claimed time is *late-synced*: the audit row keeps the claimed time, the
offset applied and the counted time, the task's page and the API show the gap, and the metrics count such fix
submissions.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from inspections.evidence.flags import CLOCK_TOLERANCE
from inspections.models import FlagCode, Photo, PhotoFlag

# An offset at least this large is worth a word on the task's page (smaller ones are the network's delay).
OFFSET_SHOWN = timedelta(minutes=1)

# Upload checks after which the camera's clock does not vouch for when the photo was taken.
DOUBTFUL_TIME = (FlagCode.CLOCK_AHEAD, FlagCode.TAKEN_LONG_BEFORE)


class Bound(StrEnum):
    """What decided the counted time of a move."""

    CLAIMED = "claimed"  # the (corrected) claim, within every bound
    RECEIVED = "received"  # the claim was later than the server received the move
    PREVIOUS = "previous"  # before the task's previous move
    PHOTOS = "photos"  # before the move's photos were taken
    LAST_SYNC = "last_sync"  # before the device's last drained sync


@dataclass(frozen=True)
class DeviceClock:
    """What the server measured of the sending tablet: its clock offset now and at its previous sync, and the time
    before which it had no move left to send."""

    offset: timedelta | None = None
    previous_offset: timedelta | None = None
    drained_at: datetime | None = None

    def correction(self) -> timedelta | None:
        """The offset added to a claimed time: the later reading when the clock changed since the previous sync."""
        if self.offset is None:
            return None
        if self.previous_offset is None:
            return self.offset
        return max(self.offset, self.previous_offset)

    def photo_offsets(self) -> list[timedelta]:
        """The readings of a photo's camera time: as it is, and corrected by each offset measured."""
        offsets = [timedelta(0)]
        if self.offset is not None:
            offsets.append(self.offset)
            if self.previous_offset is not None:
                offsets.append(self.previous_offset)
        return offsets


@dataclass(frozen=True)
class Counted:
    at: datetime
    bound: Bound
    offset: timedelta | None = None  # the correction applied to the claim, if any


def max_clock_offset() -> timedelta:
    return timedelta(hours=settings.DEVICE_CLOCK_MAX_OFFSET_HOURS)


def clock_offset(device_time: datetime | None, received: datetime) -> timedelta | None:
    """received − device_time, the tablet's clock offset; None without a device time (or a naive one) or beyond
    ``DEVICE_CLOCK_MAX_OFFSET_HOURS`` either way (that clock corrects nothing)."""
    if device_time is None or timezone.is_naive(device_time):
        return None
    offset = received - device_time
    return offset if abs(offset) <= max_clock_offset() else None


def late_sync_threshold() -> timedelta:
    return timedelta(hours=settings.MOVE_LATE_SYNC_HOURS)


def corrected(claimed_at: datetime | None, offset: timedelta | None) -> datetime | None:
    """The claimed time on the server's clock."""
    if claimed_at is None or offset is None:
        return claimed_at
    try:
        return claimed_at + offset
    except OverflowError:  # a claim at the very end of the calendar: the bounds take it from there
        return claimed_at


def sync_delay(
    claimed_at: datetime | None, received_at: datetime | None, offset: timedelta | None = None
) -> timedelta | None:
    """How long after the time its tablet claims (corrected by its clock offset) a move reached the server; None when
    the tablet claimed none."""
    if claimed_at is None or received_at is None:
        return None
    return received_at - corrected(claimed_at, offset)


def is_late_synced(claimed_at: datetime | None, received_at: datetime | None, offset: timedelta | None = None) -> bool:
    """Whether a move reached the server more than the threshold after the time its tablet claims."""
    delay = sync_delay(claimed_at, received_at, offset)
    return delay is not None and delay > late_sync_threshold()


def photos_taken_at(photos: Sequence[Photo], clock: DeviceClock | None = None) -> datetime | None:
    """The latest time the server can vouch for at which one of ``photos`` was taken; None without photos."""
    if not photos:
        return None
    if clock is None or clock.offset is None:
        doubtful = set(
            PhotoFlag.objects.filter(photo__in=photos, code__in=DOUBTFUL_TIME).values_list("photo_id", flat=True)
        )
        times = []
        for photo in photos:
            camera = photo.file.exif_taken_at
            times.append(camera if camera is not None and photo.pk not in doubtful else photo.uploaded_at)
        return max(times)
    return max(_photo_taken_at(photo, clock.photo_offsets()) for photo in photos)


def _photo_taken_at(photo: Photo, offsets: list[timedelta]) -> datetime:
    camera, uploaded = photo.file.exif_taken_at, photo.uploaded_at
    if camera is None:
        return uploaded
    oldest = uploaded - timedelta(hours=settings.PHOTO_MAX_AGE_HOURS)
    plausible = [camera + offset for offset in offsets if oldest <= camera + offset <= uploaded + CLOCK_TOLERANCE]
    return max(plausible) if plausible else uploaded


def counted(
    *,
    claimed: datetime | None,
    received: datetime,
    previous: datetime,
    photos: Sequence[Photo] = (),
    clock: DeviceClock | None = None,
) -> Counted:
    """When the move counts as made (see the module's rules) and what decided it: ``claimed`` by the tablet (None
    or naive: not claimed), ``received`` by the server, after the task's ``previous`` move, carrying ``photos``,
    sent by a tablet whose ``clock`` the server measured."""
    if claimed is None or timezone.is_naive(claimed):
        return Counted(received, Bound.RECEIVED)
    clock = clock or DeviceClock()
    offset = clock.correction()
    time, bound = corrected(claimed, offset), Bound.CLAIMED
    floors = [(previous, Bound.PREVIOUS), (photos_taken_at(photos, clock), Bound.PHOTOS)]
    floors.append((clock.drained_at, Bound.LAST_SYNC))
    for floor, reason in floors:
        if floor is not None and floor > time:
            time, bound = floor, reason
    if time > received:
        time, bound = received, Bound.RECEIVED
    return Counted(time, bound, offset)


def last_sync_bound(event) -> datetime | None:
    """The device's last drained sync that decided a recorded move's counted time (see ``counted``), if it did."""
    data = event.data or {}
    if data.get("bound") != Bound.LAST_SYNC or not data.get("last_sync"):
        return None
    return datetime.fromisoformat(data["last_sync"])
