"""Binary COPY fields read back by PostgreSQL as the values they were written from."""

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
import shapely
from django.db import connection

from geo.io import pgcopy

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's COPY format"),
]


def test_fields_read_back():
    moments = [datetime(2000, 1, 1, tzinfo=UTC), datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)]
    moments.append(datetime(2025, 6, 30, 8, 15, 1, 250_000, tzinfo=timezone(timedelta(hours=8))))
    square = shapely.box(116.2, 39.8, 116.3, 39.9)
    rows = [
        ("宛平\t路\n\\1", 2**62, True, moments[0], shapely.to_wkb(square)),
        (None, None, False, moments[1], None),
        ("", -7, True, moments[2], shapely.to_wkb(shapely.Point(1, 2))),
    ]
    pieces = [pgcopy.HEADER]
    for name, number, flag, moment, geometry in rows:
        pieces += (pgcopy.row_start(5), pgcopy.text(name), pgcopy.int8(number), pgcopy.boolean(flag))
        pieces += (pgcopy.timestamptz(moment), pgcopy.data(geometry))
    pieces.append(pgcopy.TRAILER)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE pgcopy_probe (n serial, name text, number bigint, flag boolean, moment timestamptz, "
            "shape geometry(Geometry, 4326))"
        )
        with cursor.cursor.copy(
            "COPY pgcopy_probe (name, number, flag, moment, shape) FROM STDIN (FORMAT binary)"
        ) as copy:
            copy.write(b"".join(pieces))
        cursor.execute(
            "SELECT name, number, flag, moment, ST_SRID(shape), ST_AsBinary(shape) FROM pgcopy_probe ORDER BY n"
        )
        back = cursor.fetchall()
    for (name, number, flag, moment, geometry), (name2, number2, flag2, moment2, srid, wkb) in zip(
        rows, back, strict=True
    ):
        assert (name2, number2, flag2, moment2) == (name, number, flag, moment)
        assert (srid, wkb and bytes(wkb)) == ((4326, geometry) if geometry else (None, None))


def test_rows_column_by_column_are_the_fields_row_by_row():
    names = ["宛平", "", "a\tb"]
    numbers = np.array([1, -2, 2**62], dtype=np.int64)
    shapes = [shapely.to_wkb(shapely.Point(1, 2)), shapely.to_wkb(shapely.box(0, 0, 1, 1)), b""]
    constant = pgcopy.boolean(True)
    expected = b"".join(
        pgcopy.row_start(4) + pgcopy.text(name) + pgcopy.int8(int(number)) + pgcopy.data(shape) + constant
        for name, number, shape in zip(names, numbers, shapes, strict=True)
    )
    assert pgcopy.rows([name.encode() for name in names], numbers, shapes, constant) == expected
    assert pgcopy.rows([], np.array([], dtype=np.int64), constant) == b""
