import numpy as np
from PIL import Image

from inspections.photos.derivatives import fit, resample

from .images import scene


def test_fit_keeps_the_aspect_ratio_and_never_enlarges():
    assert fit((8640, 5760), 2048) == (2048, 1365)
    assert fit((5760, 8640), 2048) == (1365, 2048)
    assert fit((1000, 800), 2048) == (1000, 800)
    assert fit((100_000, 10), 2048) == (2048, 1)


def test_banded_resample_has_no_seam():
    # A smooth gradient with a hard edge right where the two bands meet.
    ramp = np.linspace(20, 230, 2400, dtype=np.float32)[None, :, None] * np.ones((1600, 1, 3), dtype=np.float32)
    image = Image.fromarray(ramp.astype(np.uint8))
    image.paste((250, 250, 250), (0, 800, 2400, 1600))
    size = fit(image.size, 2048)
    banded = np.asarray(resample(image, size), dtype=np.int16)
    single = np.asarray(image.resize(size, Image.Resampling.BICUBIC), dtype=np.int16)
    assert np.abs(banded - single).max() <= 2


def test_banded_resample_of_a_photo_is_the_same_picture():
    image = scene((2400, 1600), seed=5)
    size = fit(image.size, 2048)
    banded = np.asarray(resample(image, size), dtype=np.int16)
    single = np.asarray(image.resize(size, Image.Resampling.BICUBIC), dtype=np.int16)
    difference = np.abs(banded - single)
    assert difference.mean() < 0.5  # off by one here and there: Pillow's fixed-point rounding per band
    assert difference.max() <= 16
