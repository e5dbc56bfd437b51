from datetime import datetime, timedelta, timezone

import pytest
from PIL import ExifTags, Image, ImageFile
from PIL.TiffImagePlugin import IFDRational

from inspections.photos import ExifData, parse_exif, read_exif

from .images import WANPING, encode, exif_block, scene


def test_all_fields_from_a_tablet_photo():
    exif = read_exif(encode(scene(), exif=exif_block(**WANPING, orientation=6)))
    assert exif.latitude == pytest.approx(39.85210, abs=1e-7)
    assert exif.longitude == pytest.approx(116.22150, abs=1e-7)
    assert exif.altitude == pytest.approx(52.5)
    assert exif.taken_at == datetime(2026, 11, 25, 14, 3, 27, tzinfo=timezone(timedelta(hours=8)))
    assert (exif.orientation, exif.make, exif.model) == (6, "HUAWEI", "MatePad 11")
    assert exif.has_position


def test_south_west_and_below_sea_level_are_negative():
    exif = parse_exif(exif_block(lat=-33.8688, lon=-70.6693, altitude=-12.5).tobytes())
    assert (exif.latitude, exif.longitude) == (pytest.approx(-33.8688), pytest.approx(-70.6693))
    assert exif.altitude == pytest.approx(-12.5)


def test_without_offset_the_time_is_naive():
    exif = parse_exif(exif_block(taken="2026:11:25 14:03:27").tobytes())
    assert exif.taken_at == datetime(2026, 11, 25, 14, 3, 27)
    assert exif.taken_at.tzinfo is None


def test_negative_offset_and_subseconds():
    exif = parse_exif(exif_block(taken="2026:03:01 08:00:00", offset="-05:30", subsec="25").tobytes())
    assert exif.taken_at == datetime(2026, 3, 1, 8, 0, 0, 250_000, tzinfo=timezone(-timedelta(hours=5, minutes=30)))


def test_photo_without_gps_has_no_position_but_the_rest():
    exif = read_exif(encode(scene(), exif=exif_block(taken="2026:11:25 14:03:27", make="Apple")))
    assert (exif.latitude, exif.longitude, exif.altitude) == (None, None, None)
    assert not exif.has_position
    assert exif.make == "Apple"


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize("raw", [None, b"", b"Exif\x00\x00garbage", b"\x00" * 64, b"MM\x00*\xff\xff\xff\xff"])
def test_missing_or_unparseable_exif_gives_empty_data(raw):
    assert parse_exif(raw) == ExifData()


def test_garbled_values_become_none_without_an_exception():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 42
    exif[ExifTags.Base.Make] = "\x00\x00"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "0000:00:00 00:00:00"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.OffsetTimeOriginal] = "+99:99"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(39, 0), IFDRational(0, 0), IFDRational(0, 0))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(116), IFDRational(13), IFDRational(17))
    gps[ExifTags.GPS.GPSAltitude] = IFDRational(1, 0)
    assert parse_exif(exif.tobytes()) == ExifData()


@pytest.mark.parametrize(
    "gps",
    [
        {ExifTags.GPS.GPSLatitudeRef: "X"},  # no hemisphere we know
        {ExifTags.GPS.GPSLatitudeRef: None},  # no hemisphere at all: no guessed sign
        {ExifTags.GPS.GPSStatus: "V"},  # the receiver said the fix is void
        {ExifTags.GPS.GPSLatitude: (IFDRational(95), IFDRational(0), IFDRational(0))},  # beyond the pole
        {ExifTags.GPS.GPSLatitude: (IFDRational(0),) * 3, ExifTags.GPS.GPSLongitude: (IFDRational(0),) * 3},
    ],
)
def test_untrustworthy_positions_are_dropped(gps):
    exif = exif_block(lat=39.8521, lon=116.2215)
    ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
    for tag, value in gps.items():
        if value is None:
            del ifd[tag]
        else:
            ifd[tag] = value
    parsed = parse_exif(exif.tobytes())
    assert (parsed.latitude, parsed.longitude) == (None, None)


def test_read_exif_does_not_decode_pixels(monkeypatch):
    data = encode(scene(), exif=exif_block(**WANPING))

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert read_exif(data).latitude == pytest.approx(39.8521)


def test_read_exif_of_a_non_image_is_empty():
    assert read_exif(b"%PDF-1.7 not a photo") == ExifData()


def test_heic_reports_the_recorded_orientation():
    # pillow-heif turns the pixels itself and resets the tag to 1; the recorded value is still reported.
    exif = read_exif(encode(scene(noise=0), "HEIF", exif=exif_block(**WANPING, orientation=6)))
    assert exif.orientation == 6
    assert exif.latitude == pytest.approx(39.8521)


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_exif_in_other_formats(fmt):
    exif = read_exif(encode(scene(), fmt, exif=exif_block(**WANPING)))
    assert exif.longitude == pytest.approx(116.2215)
    assert exif.taken_at.utcoffset() == timedelta(hours=8)
