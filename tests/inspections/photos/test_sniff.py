import pytest

from inspections.photos import ImageFormat, sniff
from inspections.photos.sniff import describe

from .images import encode, scene


@pytest.mark.parametrize(
    ("pillow_format", "expected", "mime"),
    [
        ("JPEG", ImageFormat.JPEG, "image/jpeg"),
        ("PNG", ImageFormat.PNG, "image/png"),
        ("WEBP", ImageFormat.WEBP, "image/webp"),
        ("HEIF", ImageFormat.HEIF, "image/heic"),
    ],
)
def test_real_files_are_recognised_from_their_bytes(pillow_format, expected, mime):
    sniffed = sniff(encode(scene((64, 48)), pillow_format)[:256])
    assert (sniffed.format, sniffed.mime) == (expected, mime)


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00" * 32


def test_generic_heif_brand_is_heif_and_heic_when_it_declares_hevc():
    assert sniff(ftyp(b"mif1", b"mif1", b"heic")).mime == "image/heic"
    assert sniff(ftyp(b"mif1", b"mif1")).mime == "image/heif"


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (ftyp(b"avif", b"mif1", b"miaf"), "AVIF"),
        (ftyp(b"mif1", b"avif"), "AVIF"),
        (ftyp(b"isom", b"mp41"), "MP4/MOV video"),
        (ftyp(b"qt  "), "MP4/MOV video"),
        (b"GIF89a" + b"\x00" * 20, "GIF"),
        (b"%PDF-1.7\n", "PDF"),
        (b"II*\x00\x08\x00", "TIFF"),
    ],
)
def test_other_files_are_not_photos_and_are_named(head, name):
    assert sniff(head) is None
    assert describe(head) == name


@pytest.mark.parametrize("head", [b"", b"\xff\xd8", b"hello world", b"RIFF\x00\x00\x00\x00WAVEfmt "])
def test_unknown_content_is_not_a_photo(head):
    assert sniff(head) is None
