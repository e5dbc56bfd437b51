import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError

from geo.models import Hotspot, HotspotCategory
from geo.services import hotspot_create, unit_save
from geo.validation import clean_point, clean_point_or_polygonal, clean_polygonal, to_shapely
from tests.factories import UnitFactory


def test_bowtie_is_repaired_into_two_triangles():
    bowtie = GEOSGeometry("SRID=4326;POLYGON((116.20 39.84,116.21 39.85,116.21 39.84,116.20 39.85,116.20 39.84))")
    assert not bowtie.valid
    repaired = clean_polygonal(bowtie)
    assert repaired.valid and repaired.geom_type == "MultiPolygon" and len(repaired) == 2
    assert repaired.area == pytest.approx(0.00005, rel=1e-6)


def test_clockwise_exterior_ring_is_reoriented():
    clockwise = GEOSGeometry("SRID=4326;POLYGON((116.20 39.84,116.20 39.85,116.21 39.85,116.21 39.84,116.20 39.84))")
    shape = to_shapely(clean_polygonal(clockwise))
    assert shape.geoms[0].exterior.is_ccw


def test_polygon_collapsed_to_a_line_is_rejected_with_the_reason():
    flat = GEOSGeometry("SRID=4326;POLYGON((116.20 39.84,116.21 39.84,116.22 39.84,116.20 39.84))")
    with pytest.raises(ValidationError, match="cannot be repaired"):
        clean_polygonal(flat)


def test_coordinates_outside_wgs84_are_rejected_and_swaps_are_named():
    with pytest.raises(ValidationError, match="swapped") as excinfo:
        clean_point(GEOSGeometry("SRID=4326;POINT(39.85 116.22)"))
    assert "outside WGS84" in excinfo.value.messages[0]
    with pytest.raises(ValidationError, match="outside WGS84"):
        clean_polygonal(GEOSGeometry("SRID=4326;POLYGON((200 10,201 10,201 11,200 10))"))


def test_other_srids_are_transformed_to_wgs84():
    web_mercator = GEOSGeometry("SRID=3857;POINT(12937000 4842000)")
    point = clean_point(web_mercator)
    assert point.srid == 4326
    assert point.x == pytest.approx(116.21505, abs=1e-4) and point.y == pytest.approx(39.83504, abs=1e-4)


def test_wrong_geometry_types_are_named():
    line = GEOSGeometry("SRID=4326;LINESTRING(116.2 39.8,116.3 39.9)")
    with pytest.raises(ValidationError, match="LineString"):
        clean_point_or_polygonal(line)
    with pytest.raises(ValidationError, match="A polygon is required"):
        clean_polygonal(None)


@pytest.mark.django_db
def test_unit_service_area_is_repaired_and_measured(world):
    unit = UnitFactory.build(
        name="新单位",
        jurisdiction=world.west,
        service_area=GEOSGeometry(
            "SRID=4326;MULTIPOLYGON(((116.20 39.84,116.21 39.85,116.21 39.84,116.20 39.85,116.20 39.84)))"
        ),
    )
    unit_save(unit=unit)
    unit.refresh_from_db()
    assert unit.service_area.valid
    assert unit.service_area_m2 == pytest.approx(0.5 * 0.01 * 0.01 * 111_320 * 85_500, rel=0.02)


@pytest.mark.django_db
def test_hotspot_outside_the_district_is_refused_and_not_stored(world):
    with pytest.raises(ValidationError) as excinfo:
        hotspot_create(
            name="远处",
            category=HotspotCategory.objects.get(code="bus_stop"),
            geometry=GEOSGeometry("SRID=4326;POINT(116.40 39.90)"),
        )
    assert "outside every jurisdiction" in excinfo.value.message_dict["geometry"][0]
    assert not Hotspot.objects.filter(name="远处").exists()


@pytest.mark.django_db
def test_hotspot_jurisdiction_is_derived_from_its_shape(world):
    hotspot = hotspot_create(
        name="网格内",
        category=HotspotCategory.objects.get(code="back_street"),
        geometry=GEOSGeometry("SRID=4326;POINT(116.2005 39.8405)"),
    )
    assert hotspot.jurisdiction == world.cell
    assert world.plot.jurisdiction == world.east


@pytest.mark.django_db
def test_jurisdiction_code_must_extend_the_parents(world):
    from tests.factories import JurisdictionFactory

    with pytest.raises(ValidationError) as excinfo:
        JurisdictionFactory(code="110107001", kind="community", parent=world.area)
    assert "code" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        JurisdictionFactory(code="110106016001009", kind="community", parent=world.cell)
    assert "parent" in excinfo.value.message_dict
