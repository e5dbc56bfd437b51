"""Opening photos within the limits: the header first (pixel count checked before any pixel is decoded), then
one full decode of a reduced image. Decoder failures become PhotoRejected("corrupt")."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import pillow_heif
from PIL import Image, ImageFile

from .limits import Limits, corrupt, decompression_bomb
from .sniff import ImageFormat

pillow_heif.register_heif_opener()

PILLOW_FORMATS = tuple(f.pillow_format for f in ImageFormat)

# What Pillow and pillow-heif raise on malformed or truncated input (UnidentifiedImageError is an OSError).
DECODER_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
)


@contextmanager
def open_image(fp: IO[bytes], found: ImageFormat, limits: Limits) -> Iterator[ImageFile.ImageFile]:
    """The image's header, opened as the sniffed format only, refused if it has more pixels than allowed.

    The caller's stream is left open: Pillow closes only files it opened itself.
    """
    fp.seek(0)
    try:
        image = Image.open(fp, formats=(found.pillow_format,))
    except Image.DecompressionBombError as error:
        raise decompression_bomb(error, limits) from error
    except DECODER_ERRORS as error:
        raise corrupt(error, found) from error
    with image:
        limits.check_pixels(*image.size)
        yield image


def load_reduced(image: ImageFile.ImageFile, found: ImageFormat, request: tuple[int, int] | None) -> None:
    """Decode all pixels once; with `request`, let the decoder shrink the image on the way (JPEG DCT scaling to
    1/2, 1/4 or 1/8, or an embedded HEIF thumbnail) to the smallest size not below `request`.

    Decoding the whole (reduced) image is what surfaces truncation, so nothing half-decoded goes further.
    """
    if request is not None:
        image.draft("RGB", request)
    try:
        image.load()
    except DECODER_ERRORS as error:
        raise corrupt(error, found) from error
