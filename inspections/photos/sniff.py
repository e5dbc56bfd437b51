"""Which image type a file really is, decided from its first bytes (never from its name)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

HEAD_SIZE = 256  # enough for an ISO-BMFF `ftyp` box with a long list of compatible brands


class ImageFormat(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    HEIF = "heif"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def pillow_format(self) -> str:
        """The format id Pillow registers the opener under (HEIF comes from pillow-heif)."""
        return self.name


_LABELS = {ImageFormat.JPEG: "JPEG", ImageFormat.PNG: "PNG", ImageFormat.WEBP: "WebP", ImageFormat.HEIF: "HEIC/HEIF"}


@dataclass(frozen=True, slots=True)
class Sniffed:
    format: ImageFormat
    mime: str


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HEVC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_GENERIC_HEIF_BRANDS = {b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}


def sniff(head: bytes) -> Sniffed | None:
    """The supported image type of a file starting with `head`, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(ImageFormat.JPEG, "image/jpeg")
    if head.startswith(_PNG_SIGNATURE):
        return Sniffed(ImageFormat.PNG, "image/png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(ImageFormat.WEBP, "image/webp")
    brands = _ftyp_brands(head)
    if brands:
        major, compatible = brands[0], set(brands[1:])
        # pillow-heif opens by major brand; a generic `mif1` file that declares AVIF is AV1, which it cannot decode.
        if major in _HEVC_BRANDS:
            return Sniffed(ImageFormat.HEIF, "image/heic")
        if major in _GENERIC_HEIF_BRANDS and not compatible & _AVIF_BRANDS:
            return Sniffed(ImageFormat.HEIF, "image/heic" if compatible & _HEVC_BRANDS else "image/heif")
    return None


def describe(head: bytes) -> str | None:
    """A short name for a few common files that are not supported photos (for the refusal message), or None."""
    brands = _ftyp_brands(head)
    if brands:
        if set(brands) & _AVIF_BRANDS:
            return "AVIF"
        if not set(brands) & (_HEVC_BRANDS | _GENERIC_HEIF_BRANDS):
            return "MP4/MOV video"
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    return None


_SIGNATURES = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP"),
)


def _ftyp_brands(head: bytes) -> list[bytes]:
    """[major, *compatible] brands of an ISO-BMFF file's leading `ftyp` box; [] if there is none."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return []
    end = min(int.from_bytes(head[:4], "big"), len(head))
    return [head[8:12]] + [head[i : i + 4] for i in range(16, end - 3, 4)]
