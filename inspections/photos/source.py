"""The original photo behind what the caller hands in: bytes or a binary stream, read but never changed.

A seekable stream (an open file, Django's UploadedFile, BytesIO) is read in place from offset 0 and left at the
position it had; nothing is written to it and it is not closed. A non-seekable stream is spooled (up to the size
limit) so it can be read more than once.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from .background import Background
from .hashes import sha256_of, sha256_of_descriptor
from .limits import Limits, too_large_stream

Stream = IO[bytes] | bytes | bytearray | memoryview

_CHUNK = 1 << 20
_SPOOL_IN_MEMORY = 8 << 20


class PhotoSource:
    def __init__(self, fp: IO[bytes], size: int):
        self.fp = fp
        self.size = size

    def head(self, n: int) -> bytes:
        self.fp.seek(0)
        return self.fp.read(n)

    def sha256(self) -> str:
        self.fp.seek(0)
        return sha256_of(self.fp)

    def sha256_task(self) -> Callable[[], str]:
        """Start hashing and return how to get the hex digest. Runs beside the decoder when the bytes can be read
        without moving the stream's position (a plain file's descriptor, a BytesIO's buffer)."""
        read = _independent_reader(self.fp, self.size)
        if read is None:
            digest = self.sha256()
            return lambda: digest
        return Background(read).result


@contextmanager
def photo_source(stream: Stream, limits: Limits) -> Iterator[PhotoSource]:
    """The whole content of `stream` as a seekable source; a seekable stream gets its position back afterwards."""
    if isinstance(stream, bytes | bytearray | memoryview):
        data = bytes(stream)
        yield PhotoSource(io.BytesIO(data), len(data))
        return
    if _seekable(stream):
        position = stream.tell()
        try:
            size = stream.seek(0, os.SEEK_END)
            yield PhotoSource(stream, size)
        finally:
            stream.seek(position)
        return
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
        size = 0
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                raise too_large_stream(limits)
            spool.write(chunk)
        yield PhotoSource(spool, size)  # type: ignore[arg-type]


def _independent_reader(stream: IO[bytes], size: int) -> Callable[[], str] | None:
    plain = _plain(stream)
    if isinstance(plain, io.BytesIO):
        return functools.partial(_sha256_of_bytesio, plain, size)
    if plain is not None:
        return functools.partial(sha256_of_descriptor, plain.fileno(), size)
    return None


def _plain(stream: object) -> io.BytesIO | io.FileIO | io.BufferedIOBase | None:
    """The BytesIO or plain file under Django's and tempfile's wrappers. Nothing else: a gzip or tar member also
    has a fileno(), but of the container's bytes."""
    for _ in range(4):
        if isinstance(stream, io.BytesIO | io.FileIO):
            return stream
        if isinstance(stream, io.BufferedReader | io.BufferedRandom) and isinstance(stream.raw, io.FileIO):
            return stream
        inner = getattr(stream, "file", None)
        if inner is None or inner is stream:
            return None
        stream = inner
    return None


def _sha256_of_bytesio(buffer: io.BytesIO, size: int) -> str:
    with buffer.getbuffer() as view:  # released at once, so the caller may still write to the BytesIO
        return hashlib.sha256(view[:size]).hexdigest()


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False
