"""Places named in words: the hotspot register as the gazetteer, inside a jurisdiction, never a guess."""

import pytest
from django.contrib.gis.geos import GEOSGeometry

from geo.gazetteer import AddressNotPlaced, hotspot_for_address, hotspot_for_address_id
from tests.factories import HotspotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(world):
    gate = HotspotFactory(
        name="宛平城南门广场",
        address="宛平城南街1号",
        external_id="WP-0001",
        geometry=GEOSGeometry("SRID=4326;POINT(116.231 39.846)"),
    )
    market = HotspotFactory(
        name="西街农贸市场", address="西街 25 号", geometry=GEOSGeometry("SRID=4326;POINT(116.205 39.845)")
    )
    return gate, market


def test_the_same_address_or_name_ignoring_case_spaces_and_punctuation(places):
    gate, market = places
    assert hotspot_for_address("宛平城南街1号") == gate
    assert hotspot_for_address(" 宛平城南门广场 ") == gate
    assert hotspot_for_address("西街25号") == market
    assert hotspot_for_address("西街 25 号。") == market


def test_a_text_holding_a_known_address_or_inside_one(places):
    gate, _market = places
    assert hotspot_for_address("宛平城南街1号门口有垃圾") == gate
    assert hotspot_for_address("城南门广场") == gate


def test_the_longest_match_wins_and_a_tie_is_refused(places, world):
    gate, _market = places
    HotspotFactory(name="宛平城南", geometry=GEOSGeometry("SRID=4326;POINT(116.232 39.846)"))
    assert hotspot_for_address("宛平城南门广场东侧") == gate
    for lon in (116.233, 116.234):
        HotspotFactory(name="北门停车场", geometry=GEOSGeometry(f"SRID=4326;POINT({lon} 39.846)"))
    with pytest.raises(AddressNotPlaced, match="2"):
        hotspot_for_address("北门停车场")


def test_unknown_short_and_inactive_places_are_refused(places):
    gate, _market = places
    for text in ("火星路99号", "南门", ""):
        with pytest.raises(AddressNotPlaced):
            hotspot_for_address(text)
    gate.active = False
    gate.save()
    with pytest.raises(AddressNotPlaced):
        hotspot_for_address("宛平城南街1号")


def test_only_inside_the_jurisdiction_given(places, world):
    gate, market = places
    east = gate.jurisdiction
    assert market.jurisdiction != east
    assert hotspot_for_address("宛平城南街1号", root=east) == gate
    with pytest.raises(AddressNotPlaced):
        hotspot_for_address("西街25号", root=east)
    with pytest.raises(AddressNotPlaced):
        hotspot_for_address_id(str(market.pk), root=east)


def test_an_address_id_is_the_external_id_or_our_id(places):
    gate, market = places
    assert hotspot_for_address_id("WP-0001") == gate
    assert hotspot_for_address_id(str(market.pk)) == market
    for value in ("WP-9999", "", "9" * 40, "-1"):
        with pytest.raises(AddressNotPlaced):
            hotspot_for_address_id(value)
