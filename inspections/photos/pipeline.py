"""process_photo: from an uploaded original to everything a finding stores about its photo."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from . import derivatives
from .background import Background
from .decoding import load_reduced, open_image
from .exif import ExifData, exif_of
from .hashes import phash
from .limits import Limits, empty, unrecognised
from .sniff import HEAD_SIZE, ImageFormat, describe, sniff
from .source import PhotoSource, Stream, photo_source
from .watermark import Watermark, burn_in

DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class ProcessedPhoto:
    format: ImageFormat
    mime: str
    width: int  # of the original, upright
    height: int
    size: int  # bytes of the original
    sha256: str  # hex, of the original bytes
    exif: ExifData
    display_jpeg: bytes
    display_size: tuple[int, int]
    thumbnail_jpeg: bytes
    thumbnail_size: tuple[int, int]
    phash: int  # 64-bit perceptual hash of the upright picture, before the watermark


def process_photo(
    stream: Stream, *, limits: Limits = DEFAULT_LIMITS, watermark: Watermark | None = None
) -> ProcessedPhoto:
    """Check, fingerprint and derive an uploaded photo, or raise PhotoRejected.

    `stream` is bytes or a binary file-like object holding the original from offset 0; it is only read, and a
    seekable one is left open at its position. `watermark` (an EvidenceStamp or lines of text) is burnt into
    the display copy only.
    """
    with photo_source(stream, limits) as source:
        limits.check_size(source.size)
        if source.size == 0:
            raise empty()
        head = source.head(HEAD_SIZE)
        sniffed = sniff(head)
        if sniffed is None:
            raise unrecognised(limits, describe(head))
        limits.check_format(sniffed.format)
        sha256 = source.sha256_task()  # hashes beside the decoder where it can
        try:
            reduced, exif, icc_profile, stored_size = _decode(source, sniffed.format, limits)
        finally:
            digest = sha256()  # joined on refusal too: nothing may read the caller's stream after we return

    # pillow-heif has already applied the HEIF rotation; other formats carry it as an EXIF tag only.
    orientation = None if sniffed.format is ImageFormat.HEIF else exif.orientation
    display = derivatives.upright(reduced, orientation)
    del reduced  # the un-turned copy is not needed any more (memory peak)
    small = Background(lambda: _thumbnail(display, icc_profile))  # beside the display's watermark and encoding
    stamped = display
    if watermark is not None:
        stamped = display.copy()  # the thumbnail thread is still reading the unmarked pixels
        burn_in(stamped, watermark)
    display_jpeg = derivatives.encode_jpeg(stamped, quality=derivatives.DISPLAY_QUALITY, icc_profile=icc_profile)
    thumbnail_jpeg, thumbnail_size, perceptual = small.result()
    width, height = derivatives.upright_size(stored_size, orientation)
    return ProcessedPhoto(
        format=sniffed.format,
        mime=sniffed.mime,
        width=width,
        height=height,
        size=source.size,
        sha256=digest,
        exif=exif,
        display_jpeg=display_jpeg,
        display_size=display.size,
        thumbnail_jpeg=thumbnail_jpeg,
        thumbnail_size=thumbnail_size,
        phash=perceptual,
    )


def _thumbnail(display: Image.Image, icc_profile: bytes | None) -> tuple[bytes, tuple[int, int], int]:
    """The thumbnail JPEG, its size and the perceptual hash, all from the unmarked display image."""
    thumbnail = derivatives.thumbnail(display)
    encoded = derivatives.encode_jpeg(
        thumbnail, quality=derivatives.THUMBNAIL_QUALITY, icc_profile=icc_profile, optimize=True
    )
    return encoded, thumbnail.size, phash(thumbnail)


def _decode(
    source: PhotoSource, found: ImageFormat, limits: Limits
) -> tuple[Image.Image, ExifData, bytes | None, tuple[int, int]]:
    """The display-sized RGB image (not yet upright), the EXIF, the RGB colour profile and the stored size.

    A function of its own so the full decoded image is released as soon as the display-sized one exists.
    """
    with open_image(source.fp, found, limits) as image:
        stored_size = image.size
        load_reduced(image, found, derivatives.draft_request(stored_size, derivatives.DISPLAY_MAX_SIDE))
        exif = exif_of(image)  # after decoding: a PNG may keep its EXIF behind the pixel data
        icc_profile = derivatives.rgb_icc_profile(image)
        reduced = derivatives.downscale(image, stored_size, derivatives.DISPLAY_MAX_SIDE)
    return reduced, exif, icc_profile, stored_size
