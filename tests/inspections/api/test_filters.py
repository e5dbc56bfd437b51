"""Id filters of the inspection API answer 400 naming the field for values no id can have; empty values are ignored."""

import pytest

from geo.api.filters import MAX_ID
from tests.api_errors import field_errors

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = str(2**70)
ID_FILTERS = [
    ("/api/inspections/", "campaign"),
    ("/api/inspections/", "phase"),
    ("/api/inspections/", "hotspot"),
    ("/api/inspections/", "jurisdiction"),
    ("/api/inspections/", "inspector"),
    ("/api/findings/", "campaign"),
    ("/api/findings/", "phase"),
    ("/api/findings/", "hotspot"),
    ("/api/findings/", "jurisdiction"),
    ("/api/findings/", "routed_unit"),
    ("/api/tasks/", "unit"),
    ("/api/tasks/", "jurisdiction"),
    ("/api/tasks/", "hotspot"),
]


@pytest.mark.parametrize(("url", "field"), ID_FILTERS)
@pytest.mark.parametrize("value", ["²", BEYOND_64_BITS, "-" + BEYOND_64_BITS])
def test_id_filters_answer_400_naming_the_field(client_for, world, url, field, value):
    response = client_for(world.users.manager).get(url, {field: value})
    assert response.status_code == 400, response.content
    assert list(field_errors(response.json())) == [field]


@pytest.mark.parametrize("field", ["campaign", "phase", "hotspot"])
def test_the_message_says_what_an_id_is(client_for, world, field):
    response = client_for(world.users.manager).get("/api/findings/", {field: BEYOND_64_BITS})
    assert field_errors(response.json()) == {
        field: [f"Give an id: a whole number from 1 to {MAX_ID}, not “{BEYOND_64_BITS}”."]
    }


@pytest.mark.parametrize("url", ["/api/inspections/", "/api/findings/", "/api/tasks/", "/api/notifications/"])
def test_empty_values_are_ignored_as_if_not_given(client_for, world, url):
    client = client_for(world.users.manager)
    fields = sorted({field for _url, field in ID_FILTERS} | {"within", "problem_type", "status", "near", "task"})
    response = client.get(url, {field: "" for field in fields})
    assert response.status_code == 200, response.content
    assert response.json() == client.get(url).json()
