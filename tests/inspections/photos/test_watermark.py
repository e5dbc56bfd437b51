import io
from datetime import datetime, timedelta, timezone

import numpy as np
from PIL import Image

from inspections.photos import EvidenceStamp, format_position, process_photo
from inspections.photos.watermark import FONT_FAMILY, _font, burn_in

from .images import encode, scene

STAMP = EvidenceStamp(
    taken_at=datetime(2026, 11, 25, 14, 3, 27, tzinfo=timezone(timedelta(hours=8))),
    latitude=39.85210,
    longitude=116.22150,
    hotspot="宛平城内街摊点",
    inspector="张伟",
)


def test_stamp_lines_in_chinese():
    assert STAMP.lines() == (
        "时间：2026-11-25 14:03",
        "位置：39.85210°N 116.22150°E",
        "点位：宛平城内街摊点",
        "巡查员：张伟",
    )


def test_missing_facts_are_left_out():
    assert EvidenceStamp(hotspot="卢沟桥公交站").lines() == ("点位：卢沟桥公交站",)


def test_southern_and_western_positions():
    assert format_position(-33.8688, -70.6693) == "33.86880°S 70.66930°W"


def test_the_font_has_the_chinese_glyphs():
    font = _font(40)
    assert font.getname()[0] == FONT_FAMILY
    notdef = font.getmask("\U000f0000").getbbox()  # a private-use code point: the font's empty box
    for char in "巡查员张伟点位宛平":
        assert font.getmask(char).getbbox() != notdef


def array(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def test_watermark_darkens_and_writes_the_bottom_left_only():
    image = Image.new("RGB", (2048, 1365), (200, 200, 200))
    burn_in(image, STAMP)
    pixels = array(image)
    band = pixels[-150:, 40:400]
    assert band.min() < 100 and band.max() > 240  # a dark band with white text on it
    assert (pixels[:1000, :] == 200).all()  # nothing above it
    assert (pixels[:, 1400:] == 200).all()  # nor right of it


def test_display_copy_carries_the_watermark_and_the_thumbnail_does_not():
    data = encode(scene((2048, 1365), seed=3), quality=92)
    plain = process_photo(data)
    stamped = process_photo(data, watermark=STAMP)
    a = array(Image.open(io.BytesIO(plain.display_jpeg)))
    b = array(Image.open(io.BytesIO(stamped.display_jpeg)))
    assert np.abs(a[-200:, :400] - b[-200:, :400]).mean() > 30
    assert np.abs(a[:600, -600:] - b[:600, -600:]).max() <= 2
    assert stamped.thumbnail_jpeg == plain.thumbnail_jpeg
    assert stamped.phash == plain.phash


def test_lines_can_be_passed_as_text():
    image = Image.new("RGB", (800, 600), (200, 200, 200))
    burn_in(image, ["巡查员：王芳", "整改前"])
    assert array(image)[-80:, :150].min() < 100


def test_long_names_are_fitted_inside_a_narrow_photo():
    image = Image.new("RGB", (480, 640), (200, 200, 200))
    burn_in(image, EvidenceStamp(hotspot="宛平城" * 30, inspector="张伟"))
    pixels = array(image)
    assert (pixels[:, -5:] == 200).all()  # the band stops before the right edge
    assert pixels[-40:, 20:200].min() < 100


def test_tiny_pictures_survive_the_watermark():
    for size in [(8, 8), (40, 30), (120, 16)]:
        photo = process_photo(encode(Image.new("RGB", size, (200, 200, 200)), "PNG"), watermark=STAMP)
        assert photo.display_size == size


def test_a_fix_is_stamped_with_the_rectifier_and_the_unit():
    from inspections.photos.watermark import EvidenceStamp

    stamp = EvidenceStamp(inspector="李娜（东关社区居委会）", taken_by="整改人")
    assert stamp.lines() == ("整改人：李娜（东关社区居委会）",)
