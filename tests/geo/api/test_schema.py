"""The geo API's features in the OpenAPI schema (geo.api.schema) say what may be null, as the answers do."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def components(api_client):
    return api_client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]


def test_a_unit_without_a_service_area_is_a_feature_with_null_geometry(client_for, world, components):
    features = client_for(world.users.admin).get("/api/units/").json()["features"]
    office = next(feature for feature in features if feature["id"] == world.office.pk)
    assert office["geometry"] is None
    assert components["Unit"]["properties"]["geometry"]["nullable"] is True


def test_geometry_that_cannot_be_null_is_not_nullable(components):
    assert "nullable" not in components["Jurisdiction"]["properties"]["geometry"]


def test_a_hotspot_without_a_sponsor_has_a_null_sponsoring_unit_name(client_for, world, components):
    features = client_for(world.users.admin).get("/api/hotspots/").json()["features"]
    plot = next(feature for feature in features if feature["id"] == world.plot.pk)
    assert plot["properties"]["sponsoring_unit_name"] is None
    assert components["Hotspot"]["properties"]["properties"]["properties"]["sponsoring_unit_name"]["nullable"] is True
