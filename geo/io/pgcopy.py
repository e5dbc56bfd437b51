"""Rows in PostgreSQL's binary COPY format, written directly (the bulk import's wire format).

Binary rather than text: the server skips parsing hex geometries, numbers and timestamps (a third of a plain COPY's
time), and the client skips hex-encoding the WKB. A geometry field is plain WKB: the column's typmod gives it its
SRID (PostGIS harmonises an SRID-less geometry into a typed column)."""

import struct
from datetime import UTC, datetime

import numpy as np

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


def rows(*columns: list[bytes] | np.ndarray | bytes) -> bytes:
    """Whole rows (no header or trailer) from columns of equal length, each a list of bytes (texts as UTF-8, WKB;
    no NULLs), an array of int64 (bigint), or one field every row holds, already encoded (``text``, ``boolean``…).

    Column by column: the fixed-size parts between two variable fields (the row's field count, lengths, numbers,
    constants) are packed by numpy into one piece per row, and the pieces joined once, so that a row costs a few
    list slots rather than a few Python calls."""
    count = next((len(column) for column in columns if not isinstance(column, bytes)), 0)
    pieces: list[list[bytes]] = []
    fixed: list[tuple[str, object]] = [(">i2", len(columns))]
    for column in columns:
        if isinstance(column, bytes):
            fixed.append((f"V{len(column)}", np.void(column)))
        elif isinstance(column, np.ndarray):
            fixed += ((">i4", 8), (">i8", column))
        else:
            fixed.append((">i4", np.fromiter(map(len, column), np.int32, count)))
            pieces += (_packed(fixed, count), column)
            fixed = []
    if fixed:
        pieces.append(_packed(fixed, count))
    slots: list = [None] * (count * len(pieces))
    for position, piece in enumerate(pieces):
        slots[position :: len(pieces)] = piece
    return b"".join(slots)


def _packed(parts: list[tuple[str, object]], count: int) -> list[bytes]:
    layout = np.dtype([(f"f{index}", kind) for index, (kind, _value) in enumerate(parts)])
    packed = np.empty(count, layout)
    for index, (_kind, value) in enumerate(parts):
        packed[f"f{index}"] = value
    return packed.view(f"V{layout.itemsize}").tolist()
