"""Query filters shared by the API: ids (whole numbers in the databases' range) and empty values (ignored)."""

import pytest
from django.core.exceptions import ValidationError

from geo.api.filters import MAX_ID, IdField
from tests.api_errors import field_errors

BEYOND_64_BITS = str(2**70)


@pytest.mark.parametrize("value", ["1", " 42 ", str(MAX_ID)])
def test_an_id_is_a_whole_number_in_the_databases_range(value):
    assert IdField().clean(value) == int(value)


@pytest.mark.parametrize("value", ["²", "x", "1.5", "0", "-3", str(MAX_ID + 1), BEYOND_64_BITS, "-" + BEYOND_64_BITS])
def test_anything_else_is_refused_with_one_message(value):
    with pytest.raises(ValidationError) as refused:
        IdField().clean(value)
    assert refused.value.messages == [f"Give an id: a whole number from 1 to {MAX_ID}, not “{value.strip()}”."]


def test_an_empty_value_means_no_filter():
    assert IdField(required=False).clean("") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/jurisdictions/", "parent"),
        ("/api/units/", "jurisdiction"),
        ("/api/hotspots/", "jurisdiction"),
        ("/api/hotspots/", "sponsoring_unit"),
    ],
)
@pytest.mark.parametrize("value", ["²", BEYOND_64_BITS, "-" + BEYOND_64_BITS])
def test_geo_id_filters_answer_400_naming_the_field(client_for, world, url, field, value):
    response = client_for(world.users.admin).get(url, {field: value})
    assert response.status_code == 400, response.content
    assert list(field_errors(response.json())) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "x"])
def test_the_level_filter_wants_a_number(client_for, world, value):
    response = client_for(world.users.admin).get("/api/jurisdictions/", {"level": value})
    assert response.status_code == 400, response.content
    assert list(field_errors(response.json())) == ["level"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "kind=&level=&parent=&within=&bbox=",
        "kind=&jurisdiction=&active=&bbox=",
        "category=&jurisdiction=&within=&sponsoring_unit=&risk_level=&active=&bbox=",
    ],
)
def test_empty_values_are_ignored_as_if_not_given(client_for, world, query):
    client = client_for(world.users.admin)
    url = {"k": "/api/jurisdictions/", "j": "/api/units/", "c": "/api/hotspots/"}[query[0]]
    full, filtered = client.get(url), client.get(f"{url}?{query}")
    assert filtered.status_code == 200, filtered.content
    assert filtered.json() == full.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/jurisdictions/", "parent"),
        ("/api/units/", "jurisdiction"),
        ("/api/hotspots/", "jurisdiction"),
        ("/api/hotspots/", "sponsoring_unit"),
    ],
)
def test_an_id_that_names_nothing_gives_an_empty_list_not_a_400(client_for, world, url, field):
    response = client_for(world.users.admin).get(url, {field: MAX_ID})
    assert response.status_code == 200, response.content
    assert response.json()["features"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/units/", "/api/hotspots/"])
@pytest.mark.parametrize("value", ["null", "yes", "1", "True"])
def test_a_boolean_filter_takes_true_or_false_only(client_for, world, url, value):
    response = client_for(world.users.admin).get(url, {"active": value})
    assert response.status_code == 400, response.content
    assert field_errors(response.json()) == {"active": [f"Give true or false, not “{value}”."]}


@pytest.mark.django_db
def test_a_boolean_filter_filters(client_for, world):
    from geo.services import hotspot_update

    hotspot_update(hotspot=world.plot, active=False)
    client = client_for(world.users.admin)
    names = {f["properties"]["name"] for f in client.get("/api/hotspots/", {"active": "false"}).json()["features"]}
    assert names == {world.plot.name}
    names = {f["properties"]["name"] for f in client.get("/api/hotspots/", {"active": "true"}).json()["features"]}
    assert world.plot.name not in names and world.stall.name in names


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0.5", "-1", "32768"])
def test_the_level_filter_wants_a_small_whole_number(client_for, world, value):
    response = client_for(world.users.admin).get("/api/jurisdictions/", {"level": value})
    assert response.status_code == 400, response.content
    assert list(field_errors(response.json())) == ["level"]


@pytest.mark.django_db
def test_the_schema_documents_the_filters_as_they_read_values(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/jurisdictions/"]["get"]["parameters"]}
    assert parameters["parent"]["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    assert parameters["level"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 32767}
    assert all(parameter["allowEmptyValue"] for parameter in parameters.values())
