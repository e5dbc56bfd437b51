"""The public copies of a photo: an upright display JPEG (long side ≤ 2048 px) and a thumbnail (≤ 320 px).

They carry no EXIF, XMP or comment (nothing that could leak a location); only an RGB colour profile is kept.
"""

from __future__ import annotations

import io
import math

from PIL import Image

from .background import Background

DISPLAY_MAX_SIDE = 2048
THUMBNAIL_MAX_SIDE = 320
DISPLAY_QUALITY = 85
THUMBNAIL_QUALITY = 80
# A decoder-scaled image this close under the target is kept as is: a 4000 px JPEG decodes at 1/2 straight to
# 2000 px instead of decoding all 12 MP and resampling to 2048.
DRAFT_SLACK = 0.95
# Bicubic for the display copy, as in Pillow's own thumbnail(): after a JPEG's decoder reduction less than 2× is
# left, where Lanczos is no visibly sharper but a third slower.
_RESAMPLE = Image.Resampling.BICUBIC
_THUMBNAIL_RESAMPLE = Image.Resampling.LANCZOS
_REDUCING_GAP = 3.0
_THUMBNAIL_REDUCING_GAP = 2.0  # Pillow's thumbnail() default: a box reduce first, then Lanczos over a gap of 2×
_BAND_MIN_PIXELS = 1_000_000  # smaller outputs are resampled in one go: a second thread would not pay off

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """`size` scaled down (never up) so its long side is at most `max_side`, aspect ratio kept."""
    width, height = size
    if max(width, height) <= max_side:
        return width, height
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def draft_request(size: tuple[int, int], max_side: int) -> tuple[int, int] | None:
    """The smallest size worth decoding for a copy of at most `max_side`, or None when no reduction applies."""
    target = fit(size, max_side)
    if target == size:
        return None
    return max(1, math.ceil(target[0] * DRAFT_SLACK)), max(1, math.ceil(target[1] * DRAFT_SLACK))


def downscale(image: Image.Image, original_size: tuple[int, int], max_side: int) -> Image.Image:
    """RGB, long side ≤ `max_side`: as decoded when already within DRAFT_SLACK of the target, else resampled
    to the size fitted from `original_size` (the decoder's rounding must not skew the aspect ratio)."""
    image = to_rgb(image)
    if max(image.size) <= max_side:
        return image
    return resample(image, fit(original_size, max_side))


def resample(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Bicubic to `size`. A large output is made as two bands on two threads; each band names its part of the
    source with `box`, so its filter still reads the rows across the seam and the join does not show."""
    if size[0] * size[1] < _BAND_MIN_PIXELS:
        return image.resize(size, _RESAMPLE, reducing_gap=_REDUCING_GAP)
    split = size[1] // 2
    seam = image.height * split / size[1]
    top = Background(
        lambda: image.resize((size[0], split), _RESAMPLE, box=(0, 0, image.width, seam), reducing_gap=_REDUCING_GAP)
    )
    bottom = image.resize(
        (size[0], size[1] - split), _RESAMPLE, box=(0, seam, image.width, image.height), reducing_gap=_REDUCING_GAP
    )
    whole = Image.new(image.mode, size)
    whole.paste(top.result(), (0, 0))
    whole.paste(bottom, (0, split))
    return whole


def thumbnail(image: Image.Image, max_side: int = THUMBNAIL_MAX_SIDE) -> Image.Image:
    target = fit(image.size, max_side)
    if target == image.size:
        return image
    return image.resize(target, _THUMBNAIL_RESAMPLE, reducing_gap=_THUMBNAIL_REDUCING_GAP)


def upright(image: Image.Image, orientation: int | None) -> Image.Image:
    """`image` turned as its EXIF orientation says it should be viewed."""
    method = _TRANSPOSE.get(orientation or 1)
    return image if method is None else image.transpose(method)


def upright_size(size: tuple[int, int], orientation: int | None) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode.startswith("I"):
        # 16-bit greys: scale to 8 bits rather than let convert() clip everything above 255 to white.
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L").convert("RGB")
    return image.convert("RGB")


def rgb_icc_profile(image: Image.Image) -> bytes | None:
    """The image's ICC profile if it describes RGB (a CMYK or grey profile would be wrong on the RGB copies)."""
    profile = image.info.get("icc_profile")
    return profile if isinstance(profile, bytes) and profile[16:20] == b"RGB " else None


def encode_jpeg(image: Image.Image, *, quality: int, icc_profile: bytes | None = None, optimize: bool = False) -> bytes:
    buffer = io.BytesIO()
    # exif and comment are passed empty on purpose: Pillow would otherwise copy a COM segment from image.info.
    image.save(
        buffer, "JPEG", quality=quality, optimize=optimize, exif=b"", comment=b"", icc_profile=icc_profile or None
    )
    return buffer.getvalue()
