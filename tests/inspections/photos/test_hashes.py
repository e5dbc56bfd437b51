import hashlib
import io

from inspections.photos import (
    NEAR_DUPLICATE_DISTANCE,
    hamming_distance,
    is_near_duplicate,
    process_photo,
    sha256_of,
    to_signed64,
)

from .images import encode, scene


def test_sha256_streams_to_the_same_digest_as_hashlib():
    data = encode(scene((1200, 900)), quality=92)
    assert len(data) > 1 << 17  # several chunks at a small chunk size
    assert sha256_of(io.BytesIO(data), chunk_size=1 << 16) == hashlib.sha256(data).hexdigest()


def test_photo_sha256_is_the_originals_and_stable(tmp_path):
    data = encode(scene(), quality=90)
    path = tmp_path / "photo.jpg"
    path.write_bytes(data)
    with path.open("rb") as fp:
        from_file = process_photo(fp).sha256
    assert from_file == process_photo(data).sha256 == hashlib.sha256(data).hexdigest()


def test_hamming_distance():
    assert hamming_distance(0, 0) == 0
    assert hamming_distance(0b1011, 0b0001) == 2
    assert hamming_distance(0, (1 << 64) - 1) == 64


def test_signed_form_keeps_the_bits():
    value = 0xF0F0_0000_0000_0001
    signed = to_signed64(value)
    assert signed < 0 and -(1 << 63) <= signed < 1 << 63
    assert hamming_distance(signed, value) == 0
    assert to_signed64(12345) == 12345


def test_same_scene_reencoded_and_resized_is_a_near_duplicate():
    original = scene((1600, 1200), seed=7)
    first = process_photo(encode(original, quality=92)).phash
    smaller = process_photo(encode(original.resize((1000, 750)), quality=55)).phash
    webp = process_photo(encode(original.resize((640, 480)), "WEBP", quality=40)).phash
    assert hamming_distance(first, smaller) <= NEAR_DUPLICATE_DISTANCE
    assert hamming_distance(first, webp) <= NEAR_DUPLICATE_DISTANCE
    assert is_near_duplicate(first, smaller)


def test_different_scenes_are_far_apart():
    hashes = [process_photo(encode(scene((800, 600), seed=seed))).phash for seed in range(6)]
    distances = [hamming_distance(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1 :]]
    assert min(distances) > NEAR_DUPLICATE_DISTANCE + 5
    assert sum(distances) / len(distances) > 24  # about half the bits, as for unrelated hashes


def test_small_crop_is_still_a_near_duplicate():
    original = scene((1600, 1200), seed=11)
    full = process_photo(encode(original)).phash
    cropped = process_photo(encode(original.crop((16, 12, 1584, 1188)), quality=70)).phash
    assert is_near_duplicate(full, cropped)
