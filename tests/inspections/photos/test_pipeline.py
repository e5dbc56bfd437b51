import hashlib
import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageFile

from inspections.photos import (
    DISPLAY_MAX_SIDE,
    THUMBNAIL_MAX_SIDE,
    ImageFormat,
    Limits,
    PhotoRejected,
    RejectionCode,
    process_photo,
)

from .images import BLUE, RED, WANPING, encode, exif_block, jpeg_claiming, jpeg_markers, marked, png_with_header, scene


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def rejected(data, **kwargs) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        process_photo(data, **kwargs)
    return caught.value


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if any pixel data is decoded."""

    def load(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


# ---------------------------------------------------------------- the formats a tablet sends


def test_jpeg_with_gps():
    data = encode(scene((1600, 1200)), exif=exif_block(**WANPING), quality=90)
    photo = process_photo(data)
    assert (photo.format, photo.mime) == (ImageFormat.JPEG, "image/jpeg")
    assert (photo.width, photo.height, photo.size) == (1600, 1200, len(data))
    assert photo.exif.latitude == pytest.approx(39.8521)
    assert photo.exif.longitude == pytest.approx(116.2215)
    assert photo.exif.make == "HUAWEI"
    assert photo.display_size == (1600, 1200)
    assert photo.thumbnail_size == (320, 240)
    assert opened(photo.display_jpeg).size == photo.display_size
    assert opened(photo.thumbnail_jpeg).size == photo.thumbnail_size


def test_jpeg_without_gps():
    photo = process_photo(encode(scene(), exif=exif_block(taken="2026:11:25 09:30:00", model="iPad")))
    assert not photo.exif.has_position
    assert photo.exif.model == "iPad"
    assert photo.exif.taken_at.isoformat() == "2026-11-25T09:30:00"


def test_heic_from_a_tablet():
    data = encode(scene((1200, 900), noise=0), "HEIF", exif=exif_block(**WANPING), quality=80)
    photo = process_photo(data)
    assert (photo.format, photo.mime) == (ImageFormat.HEIF, "image/heic")
    assert (photo.width, photo.height) == (1200, 900)
    assert photo.exif.latitude == pytest.approx(39.8521)
    assert opened(photo.display_jpeg).format == "JPEG"


def test_png_without_exif():
    photo = process_photo(encode(scene((900, 700)), "PNG"))
    assert (photo.format, photo.mime, photo.width, photo.height) == (ImageFormat.PNG, "image/png", 900, 700)
    assert photo.exif.latitude is None and photo.exif.taken_at is None
    assert opened(photo.display_jpeg).mode == "RGB"


def test_webp():
    photo = process_photo(encode(scene((1000, 750)), "WEBP", exif=exif_block(**WANPING), quality=80))
    assert (photo.format, photo.mime) == (ImageFormat.WEBP, "image/webp")
    assert photo.exif.altitude == pytest.approx(52.5)


def test_transparent_png_is_flattened_onto_white():
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (0, 0, 100, 100))
    display = opened(process_photo(encode(image, "PNG")).display_jpeg)
    assert min(display.getpixel((300, 200))) > 240
    assert display.getpixel((50, 50))[0] > 180


def test_16_bit_grey_png_keeps_its_tones():
    ramp = np.tile(np.linspace(0, 65535, 512), (64, 1)).astype(np.uint16)
    display = np.asarray(opened(process_photo(encode(Image.fromarray(ramp), "PNG")).display_jpeg).convert("L"))
    assert display[32, 5] < 20 and 100 < display[32, 256] < 160 and display[32, 506] > 235


# ---------------------------------------------------------------- orientation

CORNERS = {"top-left": (5, 5), "top-right": (-6, 5), "bottom-right": (-6, -6), "bottom-left": (5, -6)}


def corner_colour(image: Image.Image, corner: str) -> tuple[int, int, int]:
    x, y = CORNERS[corner]
    return image.getpixel((x % image.width, y % image.height))


def is_red(rgb) -> bool:
    return rgb[0] > 180 and rgb[2] < 90


@pytest.mark.parametrize(
    ("orientation", "red_corner", "swapped"),
    [
        (1, "top-left", False),
        (2, "top-right", False),
        (3, "bottom-right", False),
        (4, "bottom-left", False),
        (5, "top-left", True),
        (6, "top-right", True),
        (7, "bottom-right", True),
        (8, "bottom-left", True),
    ],
)
def test_display_copy_is_upright(orientation, red_corner, swapped):
    data = encode(marked((400, 300)), exif=exif_block(orientation=orientation), quality=95)
    photo = process_photo(data)
    display, thumbnail = opened(photo.display_jpeg), opened(photo.thumbnail_jpeg)
    expected = (300, 400) if swapped else (400, 300)
    assert (photo.width, photo.height) == display.size == expected
    assert thumbnail.size == ((240, 320) if swapped else (320, 240))
    assert photo.exif.orientation == orientation
    for image in (display, thumbnail):
        assert is_red(corner_colour(image, red_corner))
        assert all(not is_red(corner_colour(image, c)) for c in CORNERS if c != red_corner)


def test_rotated_heic_is_upright_and_not_turned_twice():
    data = encode(marked((400, 300)), "HEIF", exif=exif_block(orientation=6), quality=90)
    photo = process_photo(data)
    display = opened(photo.display_jpeg)
    assert (photo.width, photo.height) == display.size == (300, 400)
    assert is_red(corner_colour(display, "top-right"))
    assert corner_colour(display, "top-left")[2] > 150  # blue
    assert photo.exif.orientation == 6


def test_rotated_large_jpeg_reports_upright_size():
    photo = process_photo(encode(scene((3000, 2000)), exif=exif_block(orientation=6), quality=85))
    assert (photo.width, photo.height) == (2000, 3000)
    assert photo.display_size == (1365, 2048)


# ---------------------------------------------------------------- derivatives


@pytest.mark.parametrize(
    ("size", "display", "thumbnail"),
    [
        ((3000, 2000), (2048, 1365), (320, 213)),  # decoded at 1/2, resampled to the exact size
        ((4000, 3000), (2000, 1500), (320, 240)),  # decoded at 1/2 straight to 2000 (within the draft slack)
        ((8200, 1000), (2048, 250), (320, 39)),  # a panorama
        ((640, 480), (640, 480), (320, 240)),  # never enlarged
        ((200, 100), (200, 100), (200, 100)),
    ],
)
def test_derivative_sizes(size, display, thumbnail):
    photo = process_photo(encode(scene(size, noise=2), quality=85))
    assert (photo.display_size, photo.thumbnail_size) == (display, thumbnail)
    assert max(photo.display_size) <= DISPLAY_MAX_SIDE and max(photo.thumbnail_size) <= THUMBNAIL_MAX_SIDE
    assert opened(photo.display_jpeg).size == display
    assert opened(photo.thumbnail_jpeg).size == thumbnail


def test_large_png_is_resampled_to_the_display_size():
    photo = process_photo(encode(scene((2600, 1300), noise=0), "PNG", compress_level=1))
    assert photo.display_size == (2048, 1024)


def test_derivatives_carry_no_metadata():
    image = scene((1200, 900))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>39,51.126N</exif:GPSLatitude></x:xmpmeta>'
    data = encode(image, exif=exif_block(**WANPING), xmp=xmp, comment=b"GPS 39.8521 116.2215", quality=90)
    assert {0xE1, 0xFE} <= set(jpeg_markers(data))  # the original has APP1 (EXIF, XMP) and a comment
    photo = process_photo(data, watermark=["巡查员：张伟"])
    for derivative in (photo.display_jpeg, photo.thumbnail_jpeg):
        assert not {0xE1, 0xFE} & set(jpeg_markers(derivative))  # no APP1 at all, no comment
        copy = opened(derivative)
        assert not copy.getexif() and "exif" not in copy.info and "xmp" not in copy.info
        assert b"39.85" not in derivative and b"GPS" not in derivative


def test_rgb_colour_profile_is_kept():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = process_photo(encode(scene(), icc_profile=srgb, exif=exif_block(**WANPING)))
    assert opened(photo.display_jpeg).info["icc_profile"] == srgb
    assert opened(photo.thumbnail_jpeg).info["icc_profile"] == srgb


def test_cmyk_jpeg_becomes_rgb():
    photo = process_photo(encode(scene().convert("CMYK"), quality=90))
    assert opened(photo.display_jpeg).mode == "RGB"


# ---------------------------------------------------------------- the original is left alone


def test_original_stream_is_untouched_open_and_where_it_was():
    data = encode(scene(), exif=exif_block(**WANPING))
    stream = io.BytesIO(data)
    stream.seek(17)
    photo = process_photo(stream)
    assert stream.getvalue() == data
    assert not stream.closed and stream.tell() == 17
    assert photo.sha256 == hashlib.sha256(data).hexdigest()


def test_django_upload_and_file_on_disk(tmp_path):
    data = encode(scene(noise=0), "HEIF", quality=70)
    upload = SimpleUploadedFile("IMG_0001.HEIC", data, content_type="image/heic")
    assert process_photo(upload).format is ImageFormat.HEIF
    assert not upload.closed and upload.tell() == 0
    path = tmp_path / "IMG_0001.HEIC"
    path.write_bytes(data)
    with path.open("rb") as fp:
        assert process_photo(fp).sha256 == hashlib.sha256(data).hexdigest()
        assert not fp.closed and fp.tell() == 0
    assert path.read_bytes() == data


def test_refused_stream_is_left_open_too():
    stream = io.BytesIO(jpeg_claiming(2000, 2000))
    with pytest.raises(PhotoRejected):
        process_photo(stream, limits=Limits(max_pixels=1_000_000))
    assert not stream.closed and stream.tell() == 0


class Pipe(io.RawIOBase):
    """A stream that can only be read forwards, like a socket."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._data.readinto(buffer)


def test_non_seekable_stream():
    data = encode(scene(), exif=exif_block(**WANPING))
    photo = process_photo(Pipe(data))
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.exif.latitude == pytest.approx(39.8521)


def test_non_seekable_stream_too_large():
    error = rejected(Pipe(b"\xff\xd8\xff" + bytes(5000)), limits=Limits(max_bytes=4096))
    assert error.code is RejectionCode.TOO_LARGE
    assert error.message == "The file is larger than 4.0\xa0KB, the largest photo accepted."


# ---------------------------------------------------------------- refusals


def test_non_image_named_jpg_is_unsupported():
    upload = SimpleUploadedFile("photo.jpg", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", content_type="image/jpeg")
    error = rejected(upload)
    assert error.code is RejectionCode.UNSUPPORTED_TYPE
    assert error.message == (
        "The file is not a photo in an accepted format (JPEG, PNG, WebP, HEIC/HEIF); its content is PDF."
    )


def test_text_file_is_unsupported():
    error = rejected(b"just some notes about the stall")
    assert error.code is RejectionCode.UNSUPPORTED_TYPE
    assert "not a recognised image" in error.message


def test_gif_is_unsupported():
    assert rejected(encode(scene((64, 48)), "GIF")).params["found"] == "GIF"


def test_format_not_allowed_by_the_limits():
    error = rejected(encode(scene((64, 48)), "PNG"), limits=Limits(allowed_formats=frozenset({ImageFormat.JPEG})))
    assert error.code is RejectionCode.UNSUPPORTED_TYPE
    assert error.message == "PNG photos are not accepted; accepted formats are JPEG."


def test_oversize_file_is_refused_before_reading_it(no_decoding):
    error = rejected(b"\xff\xd8\xff" + bytes(26 * 1024 * 1024))
    assert error.code is RejectionCode.TOO_LARGE
    assert error.params == {"size": 26 * 1024 * 1024 + 3, "limit": 25 * 1024 * 1024}
    assert error.message == "The file is 26.0\xa0MB; the largest photo accepted is 25.0\xa0MB."


def test_empty_file_is_refused():
    assert rejected(b"").code is RejectionCode.CORRUPT


@pytest.mark.parametrize("keep", [0.05, 0.5, 0.9, 0.999])
def test_truncated_jpeg_is_corrupt(keep):
    data = encode(scene((1200, 900)), exif=exif_block(**WANPING), quality=90)
    error = rejected(data[: int(len(data) * keep)])
    assert error.code is RejectionCode.CORRUPT
    assert error.message == "The image is damaged or incomplete and cannot be read."


def test_truncated_large_jpeg_decoded_reduced_is_still_corrupt():
    data = encode(scene((4000, 3000)), quality=90)  # decoded at 1/2: truncation must still surface
    assert rejected(data[: len(data) * 3 // 4]).code is RejectionCode.CORRUPT


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_truncated_other_formats_are_corrupt(fmt):
    data = encode(scene((600, 400), noise=0), fmt)
    assert rejected(data[: len(data) // 2]).code is RejectionCode.CORRUPT


def test_jpeg_signature_with_garbage_is_corrupt():
    assert rejected(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4).code is RejectionCode.CORRUPT


def test_truncated_images_stay_refused_globally():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_bomb_beyond_our_limit_is_refused_from_the_header(no_decoding):
    with pytest.warns(Image.DecompressionBombWarning):  # Pillow warns above its own 89 MP; we refuse
        error = rejected(jpeg_claiming(12000, 12000))
    assert error.code is RejectionCode.TOO_MANY_PIXELS
    assert error.params == {"width": 12000, "height": 12000, "pixels": 144_000_000, "limit": 100_000_000}
    assert error.message == (
        "The image is 12000 × 12000 pixels (144.0 megapixels); the largest accepted is 100.0 megapixels."
    )


@pytest.mark.parametrize("data", [jpeg_claiming(20000, 20000), png_with_header(100_000, 100_000)], ids=["jpeg", "png"])
def test_huge_bomb_caught_by_pillows_guard_is_refused(no_decoding, data):
    error = rejected(data)
    assert error.code is RejectionCode.TOO_MANY_PIXELS
    assert "the largest accepted is 100.0 megapixels" in error.message


def test_pixel_limit_is_configurable(no_decoding):
    error = rejected(encode(scene((1200, 1000))), limits=Limits(max_pixels=1_000_000))
    assert error.code is RejectionCode.TOO_MANY_PIXELS
    assert error.params["pixels"] == 1_200_000


def test_rejection_messages_follow_the_active_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        error = rejected(b"")
    assert error.message != "The file is empty."


def test_colours_survive():
    photo = process_photo(encode(Image.new("RGB", (300, 200), BLUE), quality=95))
    assert np.abs(np.asarray(opened(photo.display_jpeg), dtype=int) - BLUE).max() < 8
    assert RED != BLUE


# ---------------------------------------------------------------- the ways an upload arrives


def test_django_temporary_upload(settings, tmp_path):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = encode(scene((1200, 900)), exif=exif_block(**WANPING), quality=90)
    with TemporaryUploadedFile("IMG_0002.jpg", "image/jpeg", len(data), None) as upload:
        upload.write(data)
        upload.seek(0)
        photo = process_photo(upload)
        assert photo.sha256 == hashlib.sha256(data).hexdigest()
        assert upload.tell() == 0 and not upload.closed


def test_bytesio_stays_writable_afterwards():
    data = encode(scene())
    stream = io.BytesIO(data)
    process_photo(stream)
    stream.seek(0, io.SEEK_END)
    stream.write(b"appended by the caller")  # no buffer export left behind
    assert stream.getvalue().startswith(data)


def test_compressed_stream_is_hashed_by_its_content(tmp_path):
    import gzip

    data = encode(scene())
    path = tmp_path / "photo.jpg.gz"
    path.write_bytes(gzip.compress(data))
    with gzip.open(path, "rb") as stream:  # has a fileno(), but of the compressed file
        assert process_photo(stream).sha256 == hashlib.sha256(data).hexdigest()
