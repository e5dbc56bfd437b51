"""Rows in PostgreSQL's binary COPY format, written directly (the bulk import's wire format).

Binary rather than text: the server skips parsing hex geometries, numbers and timestamps (a third of a plain COPY's
time), and the client skips hex-encoding the WKB. A geometry field is plain WKB: the column's typmod gives it its
SRID (PostGIS harmonises an SRID-less geometry into a typed column)."""

import struct
from datetime import UTC, datetime

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
NULL = struct.pack(">i", -1)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_length = struct.Struct(">i").pack
_count = struct.Struct(">h").pack
_int8 = struct.Struct(">iq").pack


def row_start(fields: int) -> bytes:
    """What starts a row of so many fields (its fields follow)."""
    return _count(fields)


def data(value: bytes | None) -> bytes:
    """A field of raw bytes (bytea, or WKB for a geometry)."""
    return NULL if value is None else _length(len(value)) + value


def text(value) -> bytes:
    return NULL if value is None else data(str(value).encode())


def int8(value: int | None) -> bytes:
    return NULL if value is None else _int8(8, value)


def boolean(value: bool) -> bytes:
    return _length(1) + (b"\x01" if value else b"\x00")


def timestamptz(value: datetime) -> bytes:
    delta = value - _EPOCH
    return _int8(8, (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)
