"""What photos are accepted, and the typed refusal raised for the ones that are not."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext

from .sniff import ImageFormat


class RejectionCode(StrEnum):
    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    UNSUPPORTED_TYPE = "unsupported_type"
    CORRUPT = "corrupt"


class PhotoRejected(Exception):
    """A photo refused before anything was derived from it.

    `code` is for machines, `message` for people (translated when raised), `params` holds the limit and the value
    seen, `detail` the underlying decoder error (English, for logs).
    """

    def __init__(self, code: RejectionCode, message: str, *, params: Mapping[str, Any] | None = None, detail: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = dict(params or {})
        self.detail = detail

    def __repr__(self) -> str:
        return f"PhotoRejected({self.code.value!r}, {self.message!r})"


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 25 * 1024 * 1024
    max_pixels: int = 100_000_000
    allowed_formats: frozenset[ImageFormat] = field(default_factory=lambda: frozenset(ImageFormat))

    def check_size(self, size: int) -> None:
        if size > self.max_bytes:
            raise PhotoRejected(
                RejectionCode.TOO_LARGE,
                gettext("The file is %(size)s; the largest photo accepted is %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(self.max_bytes)},
                params={"size": size, "limit": self.max_bytes},
            )

    def check_pixels(self, width: int, height: int) -> None:
        if width * height > self.max_pixels:
            raise PhotoRejected(
                RejectionCode.TOO_MANY_PIXELS,
                gettext(
                    "The image is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
                    "the largest accepted is %(limit)s megapixels."
                )
                % {
                    "width": width,
                    "height": height,
                    "megapixels": _megapixels(width * height),
                    "limit": _megapixels(self.max_pixels),
                },
                params={"width": width, "height": height, "pixels": width * height, "limit": self.max_pixels},
            )

    def check_format(self, found: ImageFormat) -> None:
        if found not in self.allowed_formats:
            raise PhotoRejected(
                RejectionCode.UNSUPPORTED_TYPE,
                gettext("%(found)s photos are not accepted; accepted formats are %(accepted)s.")
                % {"found": found.label, "accepted": _labels(self.allowed_formats)},
                params={"found": found.value, "accepted": _values(self.allowed_formats)},
            )


def unrecognised(limits: Limits, description: str | None) -> PhotoRejected:
    """For content that is no supported image at all; `description` names what it is when known ("PDF")."""
    return PhotoRejected(
        RejectionCode.UNSUPPORTED_TYPE,
        gettext("The file is not a photo in an accepted format (%(accepted)s); its content is %(found)s.")
        % {"accepted": _labels(limits.allowed_formats), "found": description or gettext("not a recognised image")},
        params={"found": description, "accepted": _values(limits.allowed_formats)},
    )


def too_large_stream(limits: Limits) -> PhotoRejected:
    """For a stream that cannot tell its size: reading stopped once it passed the limit."""
    return PhotoRejected(
        RejectionCode.TOO_LARGE,
        gettext("The file is larger than %(limit)s, the largest photo accepted.")
        % {"limit": filesizeformat(limits.max_bytes)},
        params={"size": None, "limit": limits.max_bytes},
    )


def decompression_bomb(error: Exception, limits: Limits) -> PhotoRejected:
    """Pillow's own guard fired while reading the header (the image is far beyond its MAX_IMAGE_PIXELS)."""
    found = re.search(r"\((\d+) pixels\)", str(error))
    pixels = int(found.group(1)) if found else None
    message = (
        gettext("The image has %(megapixels)s megapixels; the largest accepted is %(limit)s megapixels.")
        % {"megapixels": _megapixels(pixels), "limit": _megapixels(limits.max_pixels)}
        if pixels
        else gettext("The image has too many pixels; the largest accepted is %(limit)s megapixels.")
        % {"limit": _megapixels(limits.max_pixels)}
    )
    return PhotoRejected(
        RejectionCode.TOO_MANY_PIXELS,
        message,
        params={"pixels": pixels, "limit": limits.max_pixels},
        detail=str(error),
    )


def corrupt(error: BaseException | None, found: ImageFormat | None = None) -> PhotoRejected:
    return PhotoRejected(
        RejectionCode.CORRUPT,
        gettext("The image is damaged or incomplete and cannot be read."),
        params={"format": found.value if found else None},
        detail=f"{type(error).__name__}: {error}" if error else "",
    )


def empty() -> PhotoRejected:
    return PhotoRejected(RejectionCode.CORRUPT, gettext("The file is empty."), params={"size": 0})


def _labels(formats: frozenset[ImageFormat]) -> str:
    return ", ".join(f.label for f in ImageFormat if f in formats)


def _values(formats: frozenset[ImageFormat]) -> list[str]:
    return [f.value for f in ImageFormat if f in formats]


def _megapixels(pixels: int) -> str:
    return number_format(round(pixels / 1e6, 1), 1)
