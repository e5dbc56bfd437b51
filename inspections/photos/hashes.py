"""Content hashes: sha256 of the original bytes, and a 64-bit perceptual hash for near-duplicates."""

from __future__ import annotations

import hashlib
import os
from typing import IO

import numpy as np
from PIL import Image

NEAR_DUPLICATE_DISTANCE = 10
"""Default Hamming distance (of 64 bits) at or under which two perceptual hashes are taken for the same scene.

Re-encoding, rescaling and small crops stay within about 4 bits; unrelated photos land around 30.
"""

_MASK64 = (1 << 64) - 1


def sha256_of(fp: IO[bytes], *, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of `fp` from its current position to its end, read in chunks into one reused buffer."""
    digest = hashlib.sha256()
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    readinto = getattr(fp, "readinto", None)
    while True:
        if readinto is not None:
            n = readinto(buffer)
            if not n:
                break
            digest.update(view[:n])
        else:
            chunk = fp.read(chunk_size)
            if not chunk:
                break
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of_descriptor(fd: int, size: int, *, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of the first `size` bytes of a file, read with pread: the descriptor's offset is not touched."""
    digest = hashlib.sha256()
    offset = 0
    while offset < size and (chunk := os.pread(fd, min(chunk_size, size - offset), offset)):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def phash(image: Image.Image) -> int:
    """64-bit DCT perceptual hash: the 8×8 lowest frequencies of a 32×32 grey copy, one bit per coefficient above
    their median.

    Meant for a small image already in hand (the thumbnail). Chosen over a difference hash because flat areas
    (sky, walls) make dHash bits flip under mere re-encoding or a 1 % crop, while these low frequencies hold.
    """
    grey = np.asarray(image.convert("L").resize((32, 32), Image.Resampling.BOX), dtype=np.float64)
    low = (_DCT @ grey @ _DCT.T)[:8, :8].ravel()
    bits = low > np.median(low)
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def _dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II basis: rows are frequencies, so D @ X @ D.T is the 2-D transform of X."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    basis = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2 / n)
    basis[0] /= np.sqrt(2)
    return basis


_DCT = _dct_matrix(32)


def hamming_distance(a: int, b: int) -> int:
    """Number of differing bits of two 64-bit hashes (signed or unsigned forms alike)."""
    return ((a ^ b) & _MASK64).bit_count()


def is_near_duplicate(a: int, b: int, *, threshold: int = NEAR_DUPLICATE_DISTANCE) -> bool:
    return hamming_distance(a, b) <= threshold


def to_signed64(value: int) -> int:
    """The same 64 bits as a signed integer, for a database BIGINT column."""
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value
