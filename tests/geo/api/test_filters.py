"""Query filters shared by the API: ids (whole numbers in the databases' range) and empty values (ignored)."""

import pytest
from django.core.exceptions import ValidationError

from geo.api.filters import MAX_ID, IdField

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
    assert list(response.json()) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "x"])
def test_the_level_filter_wants_a_number(client_for, world, value):
    response = client_for(world.users.admin).get("/api/jurisdictions/", {"level": value})
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["level"]


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
