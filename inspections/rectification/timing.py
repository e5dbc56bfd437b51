"""When a task move counts as made: the time the tablet claims, bounded by what the server can check.

A tablet records a move when it is made and sends it (with that time, ``at``) when it has signal again, so a move
may reach the server long after it was made. The claimed time is believed only within these bounds:

- never after the server received the move, never before the task's previous move;
- never before the photos the move carries were taken (a fix cannot be submitted before it was photographed),
  where a photo counts as taken at its camera time when the upload checks found that time plausible (not ahead
  of the upload, not more than ``PHOTO_MAX_AGE_HOURS`` before it) and else at the time the server received it.

So an offline fix photographed before its deadline stays on time however late it syncs, and a claimed time can
reach back at most ``PHOTO_MAX_AGE_HOURS`` before the evidence arrived. A move received more than
``MOVE_LATE_SYNC_HOURS`` after its claimed time is *late-synced*: the audit row keeps both times, the task's page
and the API show the gap, and the metrics count such fix submissions.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from inspections.models import FlagCode, Photo, PhotoFlag

# Upload checks after which the camera's clock does not vouch for when the photo was taken.
DOUBTFUL_TIME = (FlagCode.CLOCK_AHEAD, FlagCode.TAKEN_LONG_BEFORE)


def late_sync_threshold() -> timedelta:
    return timedelta(hours=settings.MOVE_LATE_SYNC_HOURS)


def sync_delay(claimed_at: datetime | None, received_at: datetime | None) -> timedelta | None:
    """How long after the time its tablet claims a move reached the server; None when the tablet claimed none."""
    if claimed_at is None or received_at is None:
        return None
    return received_at - claimed_at


def is_late_synced(claimed_at: datetime | None, received_at: datetime | None) -> bool:
    """Whether a move reached the server more than the threshold after the time its tablet claims."""
    delay = sync_delay(claimed_at, received_at)
    return delay is not None and delay > late_sync_threshold()


def photos_taken_at(photos: Sequence[Photo]) -> datetime | None:
    """The latest time the server can vouch for at which one of ``photos`` was taken; None without photos."""
    if not photos:
        return None
    doubtful = set(
        PhotoFlag.objects.filter(photo__in=photos, code__in=DOUBTFUL_TIME).values_list("photo_id", flat=True)
    )
    times = []
    for photo in photos:
        camera = photo.file.exif_taken_at
        times.append(camera if camera is not None and photo.pk not in doubtful else photo.uploaded_at)
    return max(times)


def counted_at(
    *, claimed: datetime | None, received: datetime, previous: datetime, photos: Sequence[Photo] = ()
) -> datetime:
    """When the move counts as made (see the module's rules): ``claimed`` by the tablet (None or naive: not
    claimed), ``received`` by the server, after the task's ``previous`` move, carrying ``photos``."""
    if claimed is None or timezone.is_naive(claimed):
        return received
    floors = [previous, photos_taken_at(photos) or previous]
    return min(max(claimed, *floors), received)
