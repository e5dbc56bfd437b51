"""Points packed for the batch paths: the same geometry and the same bytes as GEOS's own."""

from django.contrib.gis.geos import Point

from geo.routing import clean_wgs84_point, known_ewkb, wgs84_point


def test_wgs84_point_keeps_the_bytes_geos_writes():
    for lon, lat in [(116.2301, 39.8451), (-180.0, -90.0), (180.0, 90.0), (0.1 + 0.2, 1e-300)]:
        made = wgs84_point(lon, lat)
        plain = Point(lon, lat, srid=4326)
        assert made.equals_exact(plain) and made.srid == 4326
        known = known_ewkb(made)
        assert known is None or known == bytes(plain.ewkb)
    assert known_ewkb(Point(1.0, 2.0, srid=4326)) is None


def test_clean_wgs84_point_answers_as_clean_point():
    from django.core.exceptions import ValidationError

    from geo.validation import clean_point

    inside = Point(116.2301, 39.8451, srid=4326)
    assert clean_wgs84_point(inside) is inside
    for point in [Point(116.2301, 39.8451), Point(12_935_000.0, 4_843_000.0, srid=3857), Point(200.0, 10.0, srid=4326)]:
        try:
            expected = clean_point(point)
        except ValidationError as exc:
            try:
                clean_wgs84_point(point)
            except ValidationError as got:
                assert got.messages == exc.messages
            else:
                raise AssertionError("clean_wgs84_point accepted a point clean_point refuses") from None
        else:
            assert clean_wgs84_point(point).equals_exact(expected) and clean_wgs84_point(point).srid == 4326
