"""The evidence watermark (水印) burnt into the display copy: time, position, hotspot and inspector, in Chinese,
bottom-left on a translucent dark band."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian package fonts-noto-cjk
FONT_FAMILY = "Noto Sans CJK SC"  # the Simplified Chinese face of the collection (glyph shapes differ per region)

_FONT_SCALE = 0.017  # of the long side: 35 px on a 2048 px copy
_MIN_FONT_PX = 12
_DARKEN = 0.4  # the band keeps 40 % of the brightness under it
_ELLIPSIS = "…"


class FontUnavailable(RuntimeError):
    """The CJK font is missing; rendering without it would print boxes instead of Chinese."""


@dataclass(frozen=True, slots=True)
class EvidenceStamp:
    """The facts printed on a finding's photo; missing ones are left out.

    `taken_at` is printed as given, in its own wall-clock time: pass it in the district's local time.
    """

    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    hotspot: str | None = None
    inspector: str | None = None
    # Who took it, as the stamp says it: the inspector (巡查员) of a problem, the rectifier (整改人) of a fix.
    taken_by: str = "巡查员"

    def lines(self) -> tuple[str, ...]:
        # Chinese by design, whatever the request language: the stamp is part of the evidence, like a paper form.
        lines = []
        if self.taken_at is not None:
            lines.append(f"时间：{self.taken_at:%Y-%m-%d %H:%M}")
        if self.latitude is not None and self.longitude is not None:
            lines.append(f"位置：{format_position(self.latitude, self.longitude)}")
        if self.hotspot:
            lines.append(f"点位：{self.hotspot}")
        if self.inspector:
            lines.append(f"{self.taken_by}：{self.inspector}")
        return tuple(lines)


Watermark = EvidenceStamp | Sequence[str]


def format_position(latitude: float, longitude: float) -> str:
    """39.85210°N 116.22150°E (five decimals: about a metre)."""
    north_south = f"{abs(latitude):.5f}°{'N' if latitude >= 0 else 'S'}"
    east_west = f"{abs(longitude):.5f}°{'E' if longitude >= 0 else 'W'}"
    return f"{north_south} {east_west}"


def watermark_lines(watermark: Watermark) -> list[str]:
    raw = watermark.lines() if isinstance(watermark, EvidenceStamp) else watermark
    lines = [" ".join(str(line).split()) for line in raw]  # one visual line each: no newlines or tabs inside
    return [line for line in lines if line]


def burn_in(image: Image.Image, watermark: Watermark) -> None:
    """Draw the watermark onto `image` (RGB) in place."""
    lines = watermark_lines(watermark)
    if not lines:
        return
    width, height = image.size
    size = max(_MIN_FONT_PX, round(max(width, height) * _FONT_SCALE))
    margin, padding = round(size * 0.6), round(size * 0.5)
    room = width - 2 * (margin + padding)
    font = _font(size)
    widest = max(font.getlength(line) for line in lines)
    if widest > room and size > _MIN_FONT_PX:  # long names: shrink the text before cutting it
        size = max(_MIN_FONT_PX, int(size * room / widest))
        margin, padding = round(size * 0.6), round(size * 0.5)
        room = width - 2 * (margin + padding)
        font = _font(size)
    lines = [_cut_to(line, font, room) for line in lines]
    pitch = round(size * 1.4)
    text_width = max(round(font.getlength(line)) for line in lines)
    box = (
        margin,
        max(0, height - margin - 2 * padding - pitch * len(lines)),
        min(width, margin + 2 * padding + text_width),
        height - margin,
    )
    if box[2] <= box[0] or box[3] <= box[1]:  # a picture too small to carry any text
        return
    # Darken and draw on the band only: cheaper than compositing an RGBA layer over the whole photo.
    band = image.crop(box).point(lambda v: int(v * _DARKEN))
    draw = ImageDraw.Draw(band)
    for i, line in enumerate(lines):
        draw.text((padding, padding + i * pitch + pitch // 2), line, font=font, fill=(255, 255, 255), anchor="lm")
    image.paste(band, box[:2])


def _cut_to(line: str, font: ImageFont.FreeTypeFont, room: float) -> str:
    if font.getlength(line) <= room:
        return line
    while line and font.getlength(line + _ELLIPSIS) > room:
        line = line[:-1]
    return line + _ELLIPSIS


@functools.cache
def _face_index(path: Path) -> int:
    for index in range(16):
        try:
            face = ImageFont.truetype(str(path), 12, index=index)
        except OSError:
            break
        if face.getname()[0] == FONT_FAMILY:
            return index
    raise FontUnavailable(f"{path} has no {FONT_FAMILY!r} face")


@functools.lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT_PATH.exists():
        raise FontUnavailable(f"{FONT_PATH} is missing; install the Debian package fonts-noto-cjk")
    # A path, not a file object: FreeType maps the 19 MB collection instead of Pillow reading it into memory.
    return ImageFont.truetype(str(FONT_PATH), size, index=_face_index(FONT_PATH), layout_engine=ImageFont.Layout.BASIC)
