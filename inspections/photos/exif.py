"""The EXIF facts a finding needs, read from the file header (no pixel decoding).

Missing or garbled values come back as None; nothing here raises on bad metadata.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import IO, Any, TypeVar

from PIL import ExifTags, Image

from .decoding import PILLOW_FORMATS

T = TypeVar("T")

_TEXT_MAX = 128
_DATETIME = re.compile(r"^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})$")
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class ExifData:
    """What the camera recorded.

    latitude/longitude: signed decimal degrees (WGS84 as GPS gives them; south and west negative). None when
    absent, out of range, flagged void (GPSStatus V) or exactly 0/0 (a common "no fix" placeholder).
    altitude: metres, negative below sea level (GPSAltitudeRef 1).
    taken_at: DateTimeOriginal (with SubSecTimeOriginal); timezone-aware when OffsetTimeOriginal is present,
    otherwise naive: the camera's wall-clock time in an unknown zone.
    orientation: the EXIF Orientation tag, 1–8.
    """

    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    taken_at: datetime | None = None
    orientation: int | None = None
    make: str | None = None
    model: str | None = None

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def parse_exif(raw: bytes | None, *, orientation: int | None = None) -> ExifData:
    """Parse an EXIF block (with or without its "Exif\\0\\0" prefix); `orientation` overrides the tag's value."""
    if not raw:
        return ExifData(orientation=_orientation(orientation))
    try:
        exif = Image.Exif()
        exif.load(raw)
    except Exception:
        return ExifData(orientation=_orientation(orientation))
    gps = _safe(lambda: exif.get_ifd(ExifTags.IFD.GPSInfo)) or {}
    details = _safe(lambda: exif.get_ifd(ExifTags.IFD.Exif)) or {}
    position = _safe(lambda: _position(gps))
    return ExifData(
        latitude=position[0] if position else None,
        longitude=position[1] if position else None,
        altitude=_safe(lambda: _altitude(gps)),
        taken_at=_safe(lambda: _taken_at(details, exif)),
        orientation=_orientation(orientation) or _safe(lambda: _orientation(exif.get(ExifTags.Base.Orientation))),
        make=_safe(lambda: _clean_text(exif.get(ExifTags.Base.Make))),
        model=_safe(lambda: _clean_text(exif.get(ExifTags.Base.Model))),
    )


def exif_of(image: Image.Image) -> ExifData:
    """The EXIF of an opened image, from what its header reading put in `image.info`."""
    # pillow-heif applies the HEIF rotation itself and resets the EXIF tag to 1; it keeps the recorded value here.
    return parse_exif(image.info.get("exif"), orientation=image.info.get("original_orientation"))


def read_exif(stream: IO[bytes] | bytes) -> ExifData:
    """EXIF of a photo without decoding its pixels; a non-image gives empty data. A stream keeps its position.

    PNG keeps EXIF after the pixel data at times; that late block is seen only by `process_photo`.
    """
    fp = io.BytesIO(stream) if isinstance(stream, bytes) else stream
    position = fp.tell()
    try:
        fp.seek(0)
        with Image.open(fp, formats=PILLOW_FORMATS) as image:
            return exif_of(image)
    except Exception:
        return ExifData()
    finally:
        fp.seek(position)


def _safe(read: Callable[[], T]) -> T | None:
    try:
        return read()
    except Exception:
        return None


def _position(gps: Mapping[int, Any]) -> tuple[float, float] | None:
    if _text(gps.get(ExifTags.GPS.GPSStatus)).upper() == "V":
        return None
    lat = _coordinate(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90)
    lon = _coordinate(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W", 180)
    if lat is None or lon is None or (lat == 0 and lon == 0):
        return None
    return lat, lon


def _coordinate(value: Any, ref: Any, positive: str, negative: str, bound: float) -> float | None:
    # No default hemisphere: a guessed sign would put the finding on the wrong side of the planet.
    sign = {positive: 1, negative: -1}.get(_text(ref).upper())
    if sign is None or value is None:
        return None
    parts = [float(v) for v in (value if isinstance(value, tuple | list) else (value,))]
    if not 1 <= len(parts) <= 3 or not all(math.isfinite(p) and p >= 0 for p in parts):
        return None
    degrees, minutes, seconds = [*parts, 0.0, 0.0][:3]
    if minutes >= 60 or seconds >= 60:
        return None
    decimal = degrees + minutes / 60 + seconds / 3600
    return sign * decimal if decimal <= bound else None


def _altitude(gps: Mapping[int, Any]) -> float | None:
    value = gps.get(ExifTags.GPS.GPSAltitude)
    if value is None:
        return None
    metres = float(value)
    if not math.isfinite(metres) or metres < 0:
        return None
    ref = _int(gps.get(ExifTags.GPS.GPSAltitudeRef, 0))  # the EXIF default is 0, above sea level
    return {0: metres, 1: -metres}.get(ref) if ref is not None else None


def _taken_at(details: Mapping[int, Any], base: Mapping[int, Any]) -> datetime | None:
    # Some writers put DateTimeOriginal in IFD0 instead of the Exif IFD.
    found = _DATETIME.match(_text(details.get(ExifTags.Base.DateTimeOriginal) or base.get(0x9003)).strip())
    if not found:
        return None
    taken = datetime(*(int(g) for g in found.groups()))
    subsec = _text(details.get(ExifTags.Base.SubsecTimeOriginal)).strip()
    if subsec.isdigit():
        taken = taken.replace(microsecond=int(subsec[:6].ljust(6, "0")))
    offset = _OFFSET.match(_text(details.get(ExifTags.Base.OffsetTimeOriginal)).strip())
    if offset:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if delta <= timedelta(hours=14) and int(minutes) < 60:
            taken = taken.replace(tzinfo=timezone(-delta if sign == "-" else delta))
    return taken


def _orientation(value: Any) -> int | None:
    number = _int(value)
    return number if number is not None and 1 <= number <= 8 else None


def _int(value: Any) -> int | None:
    if isinstance(value, bytes) and len(value) == 1:
        return value[0]
    if isinstance(value, tuple) and len(value) == 1:
        value = value[0]
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value.replace("\x00", "") if isinstance(value, str) else ""


def _clean_text(value: Any) -> str | None:
    text = "".join(ch for ch in _text(value) if ch.isprintable()).strip()
    return text[:_TEXT_MAX] or None
