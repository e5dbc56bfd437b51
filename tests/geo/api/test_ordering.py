"""`?ordering=` on every list of the API: the names each list offers, reversed with -, others a 400 naming them."""

import pytest

from tests.api_errors import field_errors

pytestmark = pytest.mark.django_db

LISTS = [
    ("/api/jurisdictions/", "code"),
    ("/api/units/", "name"),
    ("/api/hotspots/", "name"),
    ("/api/problem-types/", "code"),
    ("/api/campaigns/", "name"),
    ("/api/inspections/", "started_at"),
    ("/api/findings/", "created_at"),
    ("/api/tasks/", "registered_at"),
    ("/api/notifications/", "created_at"),
    ("/api/checklists/", "code"),
]


@pytest.mark.parametrize(("url", "field"), LISTS)
def test_every_list_takes_an_ordering_and_refuses_an_unknown_one(client_for, world, url, field):
    client = client_for(world.users.admin)
    assert client.get(url, {"ordering": f"-{field}"}).status_code == 200
    assert client.get(url, {"ordering": ""}).status_code == 200  # empty: the list's own order
    response = client.get(url, {"ordering": "password"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"].startswith("ordering: ")
    assert field in field_errors(body)["ordering"][0]


def test_the_order_is_the_one_asked_for(client_for, world):
    client = client_for(world.users.admin)

    def names(ordering):
        features = client.get("/api/units/", {"ordering": ordering}).json()["features"]
        return [feature["properties"]["name"] for feature in features]

    ascending = names("name")
    assert ascending == sorted(ascending) and names("-name") == ascending[::-1]
    priorities = client.get("/api/units/", {"ordering": "-routing_priority,name"}).json()["features"]
    assert priorities[0]["properties"]["name"] == world.squad.name


def test_the_schema_documents_ordering_on_every_list(client):
    schema = client.get("/api/schema/?format=json").json()
    for url, field in LISTS:
        [parameter] = [p for p in schema["paths"][url]["get"]["parameters"] if p["name"] == "ordering"]
        assert {field, f"-{field}"} <= set(parameter["schema"]["items"]["enum"]), url
