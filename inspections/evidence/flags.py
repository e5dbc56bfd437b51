"""Location and time checks on evidence photos. They become flags with their numbers; they never block."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from geo.geodesy import distance_m
from inspections.models import FlagCode
from inspections.photos import ExifData

# Camera and server clocks disagree by a few minutes without anyone cheating.
CLOCK_TOLERANCE = timedelta(minutes=15)


@dataclass(frozen=True)
class Flag:
    code: FlagCode
    value: float | None = None
    threshold: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class Thresholds:
    max_distance_m: float
    max_age_hours: float
    max_accuracy_m: float


def taken_at(exif: ExifData) -> datetime | None:
    """When the photo was taken, as an aware datetime. EXIF without an offset is the camera's wall clock, which we
    take as the district's local time."""
    moment = exif.taken_at
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def photo_flags(
    *,
    exif: ExifData,
    place_lon: float,
    place_lat: float,
    uploaded_at: datetime,
    accuracy_m: float | None,
    thresholds: Thresholds,
) -> list[Flag]:
    flags = []
    if exif.latitude is None or exif.longitude is None:
        flags.append(Flag(FlagCode.NO_GPS))
    else:
        distance = distance_m(place_lon, place_lat, exif.longitude, exif.latitude)
        if distance > thresholds.max_distance_m:
            flags.append(Flag(FlagCode.FAR_FROM_FINDING, round(distance, 1), thresholds.max_distance_m, "m"))
    moment = taken_at(exif)
    if moment is not None:
        age = uploaded_at - moment
        if age < -CLOCK_TOLERANCE:
            flags.append(Flag(FlagCode.CLOCK_AHEAD, round(-age.total_seconds() / 3600, 1), 0, "h"))
        elif age > timedelta(hours=thresholds.max_age_hours):
            flags.append(
                Flag(FlagCode.TAKEN_LONG_BEFORE, round(age.total_seconds() / 3600, 1), thresholds.max_age_hours, "h")
            )
    if accuracy_m is not None and accuracy_m > thresholds.max_accuracy_m:
        flags.append(Flag(FlagCode.POOR_ACCURACY, round(accuracy_m, 1), thresholds.max_accuracy_m, "m"))
    return flags
