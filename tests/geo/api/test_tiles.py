"""GET /tiles/<layer>/<z>/<x>/<y>.pbf: the GeoJSON's answers (scope, filters, 400/403/404), the same counts as the
GeoJSON and the aggregates, ETag and 304, and the server's cache: shared by equal scopes, never across scopes, and
invalidated by every write path that changes what a layer draws (saves, the tablet sync batch, a task move)."""

import json

import mapbox_vector_tile
import pytest
from django.core.cache import cache

from geo.layers import sources_changed
from inspections.models import Finding, Task
from inspections.selectors import findings_for_user, tasks_for_user
from tests.api_errors import field_errors
from tests.factories import UserFactory
from tests.geo.layers.test_tiles import WEST_MAJOR, tile_of
from tests.inspections import conftest as inspection_fixtures
from tests.inspections.task_builders import move

pytestmark = pytest.mark.django_db

inspection_payload = inspection_fixtures.inspection_payload

TILE = tile_of(*WEST_MAJOR, 12)  # holds the whole test district
URL = f"/tiles/{{layer}}/{TILE.z}/{TILE.x}/{TILE.y}.pbf"


@pytest.fixture
def phase(mapped):
    """The map's running phase (the inspections' fixture would make a second campaign of the same name)."""
    return mapped.phase


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def tile(client, layer="tasks", query="", **headers):
    return client.get(URL.format(layer=layer) + (f"?{query}" if query else ""), headers=headers)


def decoded(response, layer="tasks") -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    if not response.content:
        return []
    return mapbox_vector_tile.decode(response.content)[layer]["features"]


def ids(response, layer="tasks") -> set[str]:
    return {feature["properties"]["id"] for feature in decoded(response, layer)}


def pks(queryset) -> set[str]:
    return {str(pk) for pk in queryset.values_list("pk", flat=True)}


def test_a_tile_is_the_callers_tasks_with_cache_headers(client_for, mapped):
    manager = mapped.world.users.manager
    response = tile(client_for(manager))
    assert ids(response) == pks(tasks_for_user(manager))
    assert response["ETag"].startswith('"') and response["Cache-Control"] == "private, max-age=60"


@pytest.mark.parametrize(
    "query",
    ["", "status=overdue", "status=void&status=overdue", "severity=severe", "problem_type=exposed_garbage",
     "community={west}", "unit={east_committee}", "phase=999999", "start=2000-01-01"],
)  # fmt: skip
def test_a_filter_gives_the_same_count_in_geojson_tiles_and_aggregates(client_for, mapped, query):
    query = query.format(west=mapped.world.west.pk, east_committee=mapped.world.east_committee.pk)
    client = client_for(mapped.world.users.manager)
    geojson = json.loads(client.get(f"/api/layers/tasks.geojson?{query}").getvalue())
    aggregate = client.get(f"/api/layers/tasks/aggregate?cell=hex&{query}").json()
    in_tile = ids(tile(client, query=query))
    assert in_tile == {feature["id"] for feature in geojson["features"]}
    assert len(in_tile) == geojson["numberReturned"] == aggregate["total"]


def test_findings_tiles_follow_the_geojson_too(client_for, mapped):
    user = mapped.world.users.east_inspector
    response = tile(client_for(user), "findings", "severity=severe&severity=major")
    assert ids(response, "findings") == pks(findings_for_user(user).filter(severity__in=["severe", "major"]))


@pytest.mark.parametrize("who", ["admin", "manager", "west_manager", "east_inspector", "rectifier", "east_rectifier"])
def test_each_role_sees_in_tiles_what_the_api_lists(client_for, mapped, who):
    user = getattr(mapped.world.users, who)
    assert ids(tile(client_for(user))) == pks(tasks_for_user(user))


def test_scope_by_community_and_unit_is_never_shared_through_the_cache(client_for, mapped):
    users = mapped.world.users
    west = {str(mapped.west_major.pk), str(mapped.west_minor.pk)}
    east = {str(mapped.east_severe.pk), str(mapped.east_overdue.pk)}
    everything = ids(tile(client_for(users.manager)))  # cached first, for the district's manager
    assert everything == west | east
    assert ids(tile(client_for(users.west_manager))) == west  # a manager of another community
    assert ids(tile(client_for(users.rectifier))) == {str(mapped.west_major.pk)}  # a member of another unit
    assert ids(tile(client_for(users.east_rectifier))) == east
    elsewhere = UserFactory(username="elsewhere", role="manager", jurisdiction=None)
    assert ids(tile(client_for(elsewhere))) == set()


def test_people_of_the_same_scope_share_cached_tiles(client_for, mapped, django_assert_max_num_queries):
    users = mapped.world.users
    colleague = UserFactory(username="colleague", role=users.rectifier.role, unit=users.rectifier.unit)
    first = tile(client_for(users.rectifier))
    client = client_for(colleague)
    with django_assert_max_num_queries(12) as captured:
        second = tile(client)
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert not drew(captured)


def test_volunteers_are_refused_the_tasks_and_anonymous_callers_too(client_for, api_client, mapped):
    refused = tile(client_for(mapped.world.users.volunteer))
    assert refused.status_code == 403 and "Rectification tasks" in refused.json()["detail"]
    assert tile(client_for(mapped.world.users.volunteer), "findings").status_code == 200
    assert tile(api_client).status_code == 401


def test_an_unknown_layer_is_a_json_404(client_for, mapped):
    response = tile(client_for(mapped.world.users.manager), "nowhere")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no map layer named “nowhere”.", "code": "not_found"}


@pytest.mark.parametrize(
    ("path", "errors"),
    [
        ("/tiles/tasks/25/0/0.pbf", {"z": "z must be a whole number from 0 to 24, not “25”."}),
        ("/tiles/tasks/-1/0/0.pbf", {"z": "z must be a whole number from 0 to 24, not “-1”."}),
        ("/tiles/tasks/2/4/0.pbf", {"x": "x must be a whole number from 0 to 3 at zoom 2, not “4”."}),
        ("/tiles/tasks/2/0/y.pbf", {"y": "y must be a whole number from 0 to 3 at zoom 2, not “y”."}),
        ("/tiles/tasks/2/0/9.pbf?status=lost", {"y": "y must", "status": "Select a valid choice."}),
    ],
)
def test_bad_z_x_y_and_filters_answer_400_naming_them(client_for, mapped, path, errors):
    response = client_for(mapped.world.users.manager).get(path)
    assert response.status_code == 400
    body = field_errors(response.json())
    assert set(body) == set(errors)
    for name, words in errors.items():
        assert words in body[name][0]


def test_bad_values_are_told_in_the_callers_language(client_for, mapped):
    response = client_for(mapped.world.users.manager, language="zh-hans").get("/tiles/tasks/30/0/0.pbf")
    assert response.status_code == 400 and "z" in field_errors(response.json())
    assert "z must" not in response.json()["z"][0]


def test_if_none_match_answers_304(client_for, mapped):
    client = client_for(mapped.world.users.manager)
    first = tile(client)
    again = tile(client, If_None_Match=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "private, max-age=60"
    assert tile(client, If_None_Match='"other"').status_code == 200
    assert tile(client, query="status=void", If_None_Match=first["ETag"]).status_code == 200


def test_an_empty_tile_is_an_empty_body(client_for, mapped):
    response = client_for(mapped.world.users.manager).get("/tiles/tasks/12/0/0.pbf")
    assert response.status_code == 200 and response.content == b"" and response["ETag"]


# ---------------------------------------------------------------- invalidation


def test_a_task_move_invalidates_the_cached_tile(client_for, mapped):
    manager = mapped.world.users.manager
    client = client_for(manager)
    before = {f["properties"]["id"]: f["properties"]["state"] for f in decoded(tile(client))}
    assert before[str(mapped.west_major.pk)] == "dispatched"
    move(mapped.world.users.rectifier, mapped.west_major, "accept")
    after = {f["properties"]["id"]: f["properties"]["state"] for f in decoded(tile(client))}
    assert after[str(mapped.west_major.pk)] == "accepted"


def test_closing_a_task_redraws_the_finding_the_update_closed(client_for, mapped):
    client = client_for(mapped.world.users.manager)
    finding_id = str(mapped.west_major.finding_id)

    def open_state():
        return {f["properties"]["id"]: f["properties"]["open"] for f in decoded(tile(client, "findings"), "findings")}

    assert open_state()[finding_id] is True
    move(mapped.world.users.manager, mapped.west_major, "void", note="重复上报")  # Finding…update(is_open=False)
    assert open_state()[finding_id] is False


def test_a_sync_batch_invalidates_the_cached_tiles(client_for, mapped, inspection_payload):
    world = mapped.world
    client = client_for(world.users.manager)
    tasks_before, findings_before = ids(tile(client)), ids(tile(client, "findings"), "findings")
    payload = inspection_payload()
    response = client_for(world.users.inspector).post(
        "/api/sync/", {"device": "tablet-1", "items": [{"type": "inspection", **payload}]}, format="json"
    )
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "created", response.content
    finding_id = payload["findings"][0]["id"]
    task = Task.objects.get(finding_id=finding_id)
    assert ids(tile(client, "findings"), "findings") == findings_before | {finding_id}
    assert ids(tile(client)) == tasks_before | {str(task.pk)}


def test_an_update_sends_no_signal_so_the_invalidation_is_what_redraws(client_for, mapped):
    """Without sources_changed a write that sends no signal leaves the cached tile as it was."""
    client = client_for(mapped.world.users.manager)
    before = tile(client, "findings")
    Finding.objects.filter(pk=mapped.west_major.finding_id).update(severity="severe")  # no signal
    assert tile(client, "findings").content == before.content  # still cached
    sources_changed(Finding)
    severities = {
        f["properties"]["id"]: f["properties"]["severity"] for f in decoded(tile(client, "findings"), "findings")
    }
    assert severities[str(mapped.west_major.finding_id)] == "severe"


def drew(captured) -> bool:
    return any("ST_AsMVT" in q["sql"] or "AsBinary" in q["sql"] for q in captured.captured_queries)


def test_a_write_to_another_source_leaves_the_tiles_cached(client_for, mapped, django_assert_max_num_queries):
    client = client_for(mapped.world.users.manager)
    tile(client)
    sources_changed("geo.HotspotCategory")  # not a source of the tasks layer
    with django_assert_max_num_queries(20) as captured:
        tile(client)
    assert not drew(captured)
    sources_changed(Task)
    with django_assert_max_num_queries(20) as captured:
        tile(client)
    assert drew(captured)


def test_the_tile_route_is_documented(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/tiles/{layer}/{z}/{x}/{y}.pbf"]["get"]
    assert operation["operationId"] == "layers_tile"
    assert "application/vnd.mapbox-vector-tile" in operation["responses"]["200"]["content"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"layer", "z", "x", "y", "status", "community", "unit", "start", "end"} <= names
