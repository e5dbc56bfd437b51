"""Real test images made with Pillow: photographic-looking scenes, EXIF with a GPS IFD, every accepted format."""

from __future__ import annotations

import io
import struct
import zlib
from fractions import Fraction

import numpy as np
from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

RED = (230, 20, 20)
BLUE = (20, 40, 200)


def scene(size: tuple[int, int] = (800, 600), *, seed: int = 0, noise: float = 6.0) -> Image.Image:
    """Gradients, a few seeded shapes and sensor-like noise: enough structure for hashes and codecs to bite on."""
    width, height = size
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi)
    x = np.linspace(0, np.cos(angle), width, dtype=np.float32)[None, :]
    y = np.linspace(0, np.sin(angle), height, dtype=np.float32)[:, None]
    ramp = ((x + y + 1) / 2)[..., None]
    tint = rng.uniform(60, 200, 3).astype(np.float32)
    pixels = ramp * tint + (1 - ramp) * tint[::-1]
    image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        x0, y0 = rng.uniform(0, width), rng.uniform(0, height)
        w, h = rng.uniform(0.1, 0.4) * width, rng.uniform(0.1, 0.4) * height
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x0, y0, x0 + w, y0 + h), fill=colour)
    if noise:
        tile = rng.standard_normal((min(height, 509), min(width, 509), 3), dtype=np.float32) * noise
        reps = (-(-height // tile.shape[0]), -(-width // tile.shape[1]), 1)
        grain = np.tile(tile, reps)[:height, :width] + np.asarray(image, dtype=np.float32)
        image = Image.fromarray(grain.clip(0, 255).astype(np.uint8))
    return image


def marked(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """Blue, with a red block in the stored top-left corner: shows where that corner ends up once upright."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 5, size[1] // 5))
    return image


def rational(value: float, denominator: int = 10_000) -> IFDRational:
    fraction = Fraction(value).limit_denominator(denominator)
    return IFDRational(fraction.numerator, fraction.denominator)


def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return IFDRational(degrees), IFDRational(minutes), rational(seconds)


def exif_block(
    *,
    lat: float | None = None,
    lon: float | None = None,
    altitude: float | None = None,
    taken: str | None = None,
    offset: str | None = None,
    subsec: str | None = None,
    make: str | None = None,
    model: str | None = None,
    orientation: int | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    if make is not None:
        exif[ExifTags.Base.Make] = make
    if model is not None:
        exif[ExifTags.Base.Model] = model
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if taken is not None or offset is not None or subsec is not None:
        details = exif.get_ifd(ExifTags.IFD.Exif)
        if taken is not None:
            details[ExifTags.Base.DateTimeOriginal] = taken
        if offset is not None:
            details[ExifTags.Base.OffsetTimeOriginal] = offset
        if subsec is not None:
            details[ExifTags.Base.SubsecTimeOriginal] = subsec
    if lat is not None and lon is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSVersionID] = b"\x02\x03\x00\x00"
        gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        gps[ExifTags.GPS.GPSLatitude] = dms(lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        gps[ExifTags.GPS.GPSLongitude] = dms(lon)
        if altitude is not None:
            gps[ExifTags.GPS.GPSAltitudeRef] = b"\x01" if altitude < 0 else b"\x00"
            gps[ExifTags.GPS.GPSAltitude] = rational(abs(altitude), 100)
    return exif


WANPING = {
    "lat": 39.85210,
    "lon": 116.22150,
    "altitude": 52.5,
    "taken": "2026:11:25 14:03:27",
    "offset": "+08:00",
    "make": "HUAWEI",
    "model": "MatePad 11",
}


def encode(image: Image.Image, fmt: str = "JPEG", *, exif: Image.Exif | None = None, **params) -> bytes:
    buffer = io.BytesIO()
    if exif is not None:
        params["exif"] = exif.tobytes()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg_markers(data: bytes) -> list[int]:
    """The marker codes of a JPEG's segments up to the first scan (where metadata lives)."""
    assert data[:2] == b"\xff\xd8"
    markers, i = [], 2
    while i + 4 <= len(data):
        assert data[i] == 0xFF, f"no marker at {i}"
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan
            break
        i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    return markers


def png_with_header(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims `width` × `height` followed by a few bytes of pixel data: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is rewritten to claim `width` × `height`."""
    data = bytearray(encode(Image.new("RGB", (64, 64), (90, 120, 80)), quality=80))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)
