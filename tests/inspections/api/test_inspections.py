import uuid

import pytest

from inspections.api.contract import MAX_FINDINGS, MAX_FREE_ANSWERS
from inspections.models import Finding, Inspection, Notification, Task

pytestmark = pytest.mark.django_db


def test_inspection_with_findings_is_stored_routed_and_replayable(client_for, world, inspection_payload):
    client = client_for(world.users.inspector)
    body = inspection_payload()
    first = client.post("/api/inspections/", body, format="json")
    assert first.status_code == 201, first.content
    stored = first.json()
    assert stored["id"] == body["id"]
    (finding,) = stored["findings"]
    assert finding["id"] == body["findings"][0]["id"]
    assert finding["location"] == {"lon": 116.23, "lat": 39.845}  # defaults to the hotspot
    assert (finding["routed_unit"], finding["routing_rule"]) == (world.school.pk, "hotspot")
    assert finding["jurisdiction_code"] == "110106016002"
    assert stored["position"] == {"lon": 116.2301, "lat": 39.8451, "accuracy": 8.0}

    replay = client.post("/api/inspections/", body, format="json")
    assert replay.status_code == 200
    assert replay.json() == stored
    assert Inspection.objects.count() == 1 and Finding.objects.count() == 1


def test_free_inspection_uses_its_location(client_for, world, inspection_payload):
    body = inspection_payload(hotspot=None, location={"lon": 116.207, "lat": 39.847})
    body["findings"][0]["problem_type"] = "exposed_garbage"
    response = client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 201, response.content
    finding = response.json()["findings"][0]
    assert (finding["routed_unit"], finding["routing_rule"]) == (world.property_manager.pk, "service_area")
    assert finding["severity"] == "major"


def test_same_id_from_another_person_is_a_conflict(client_for, world, inspection_payload):
    body = inspection_payload()
    assert client_for(world.users.inspector).post("/api/inspections/", body, format="json").status_code == 201
    response = client_for(world.users.volunteer).post("/api/inspections/", body, format="json")
    assert response.status_code == 409
    assert "another person" in response.json()["detail"]


def test_rectifiers_cannot_record_inspections(client_for, world, inspection_payload):
    response = client_for(world.users.east_rectifier).post("/api/inspections/", inspection_payload(), format="json")
    assert response.status_code == 403
    assert Inspection.objects.count() == 0


def test_hotspot_outside_the_inspectors_area_is_refused(client_for, world, inspection_payload):
    response = client_for(world.users.west_manager).post("/api/inspections/", inspection_payload(), format="json")
    assert response.status_code == 400
    assert "hotspot" in response.json()


def test_finding_outside_the_district_is_refused_and_nothing_is_stored(client_for, world, inspection_payload):
    body = inspection_payload()
    body["findings"].append(
        {"id": str(uuid.uuid4()), "problem_type": "illegal_ads", "location": {"lon": 116.5, "lat": 39.9}}
    )
    response = client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 400
    assert "outside every jurisdiction" in response.json()["findings[1].location"][0]
    assert Inspection.objects.count() == 0 and Finding.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"started_at": "2020-01-01T09:00:00+08:00"}, "phase"),
        ({"phase": 999999}, "phase"),
        ({"position": {"lon": 39.8, "lat": 116.2}}, "position"),
        ({"answers": ["not", "an", "object"]}, "answers"),
        ({"id": "not-a-uuid"}, "id"),
    ],
)
def test_bad_fields_are_400_with_the_field_named(client_for, world, inspection_payload, change, field):
    response = client_for(world.users.inspector).post("/api/inspections/", inspection_payload(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_problem_type_is_named(client_for, world, inspection_payload):
    body = inspection_payload()
    body["findings"][0]["problem_type"] = "no_such_problem"
    response = client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 400
    assert "problem_type" in response.json()["findings"]["0"]


def test_a_close_open_finding_of_the_same_type_is_offered_as_likely_duplicate(client_for, world, inspection_payload):
    client = client_for(world.users.inspector)
    first = client.post("/api/inspections/", inspection_payload(), format="json").json()["findings"][0]
    second_body = inspection_payload()
    second_body["findings"][0]["location"] = {"lon": 116.2303, "lat": 39.8452}  # about 28 m away
    second = client.post("/api/inspections/", second_body, format="json").json()["findings"][0]
    assert second["likely_duplicate_of"] == first["id"]
    far_body = inspection_payload()
    far_body["findings"][0]["location"] = {"lon": 116.2312, "lat": 39.8458}  # over 50 m away
    assert (
        client.post("/api/inspections/", far_body, format="json").json()["findings"][0]["likely_duplicate_of"] is None
    )


def test_listing_is_scoped_and_filterable(client_for, world, inspection_payload, phase):
    client_for(world.users.inspector).post("/api/inspections/", inspection_payload(), format="json")
    plot_body = inspection_payload(hotspot=world.plot.pk)
    plot_body["findings"][0]["problem_type"] = "uncovered_muck"
    client_for(world.users.inspector).post("/api/inspections/", plot_body, format="json")

    def count(user, path):
        response = client_for(user).get(path)
        assert response.status_code == 200, response.content
        return response.json()["count"]

    u = world.users
    assert count(u.manager, "/api/inspections/") == 2
    assert count(u.east_inspector, "/api/inspections/") == 2
    assert count(u.west_manager, "/api/inspections/") == 0
    assert count(u.east_rectifier, "/api/inspections/") == 0
    assert count(u.manager, "/api/inspections/?problem_type=uncovered_muck") == 1
    assert count(u.manager, f"/api/inspections/?campaign={phase.campaign_id}&phase={phase.pk}") == 2
    assert count(u.manager, "/api/inspections/?date_from=2020-01-01&date_to=2020-12-31") == 0
    assert count(u.manager, "/api/findings/?within=110106016002") == 2
    assert count(u.manager, "/api/findings/?within=110106016001") == 0
    # Rectifiers see the findings routed to their unit only: the plot has no sponsor, so it is the east committee's.
    assert count(u.east_rectifier, "/api/findings/") == 1
    assert count(u.rectifier, "/api/findings/") == 0


def test_one_record_by_id_and_not_for_others(client_for, world, inspection_payload):
    body = inspection_payload()
    client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    assert client_for(world.users.manager).get(f"/api/inspections/{body['id']}/").status_code == 200
    assert client_for(world.users.west_manager).get(f"/api/inspections/{body['id']}/").status_code == 404
    finding_id = body["findings"][0]["id"]
    assert client_for(world.users.east_inspector).get(f"/api/findings/{finding_id}/").status_code == 200
    assert client_for(world.users.east_rectifier).get(f"/api/findings/{finding_id}/").status_code == 404


def test_catalogue_and_campaigns(client_for, world, phase):
    client = client_for(world.users.inspector)
    types = client.get("/api/problem-types/?category=internet_cafe").json()
    codes = {t["code"] for t in types}
    assert "minors_in_cafe" in codes and "damaged_hoarding" not in codes
    cafe = next(t for t in types if t["code"] == "minors_in_cafe")
    assert cafe == {
        "code": "minors_in_cafe",
        "name": "网吧接纳未成年人",
        "name_en": "Minors in internet cafés",
        "categories": ["internet_cafe"],
        "default_severity": "severe",
    }
    (campaign,) = client.get("/api/campaigns/").json()
    assert campaign["phases"][0]["kind"] == "self_inspection"


def test_messages_are_chinese_for_chinese_tablets(client_for, world, inspection_payload):
    body = inspection_payload(hotspot=None, location={"lon": 116.5, "lat": 39.9})
    response = client_for(world.users.inspector, language="zh-hans").post("/api/inspections/", body, format="json")
    assert response.status_code == 400
    assert "不在本区任何辖区内" in response.json()["location"][0]


def test_free_inspection_outside_the_persons_area_is_refused(client_for, world, inspection_payload):
    body = inspection_payload(hotspot=None, location={"lon": 116.232, "lat": 39.8435})
    response = client_for(world.users.west_manager).post("/api/inspections/", body, format="json")
    assert response.status_code == 400
    assert "outside the area you are assigned to" in response.json()["location"][0]
    response = client_for(world.users.nobody).post("/api/inspections/", body, format="json")
    assert response.status_code == 400


def test_the_same_finding_id_twice_in_one_inspection_is_a_400_not_a_500(client_for, world, inspection_payload):
    body = inspection_payload()
    body["findings"].append(dict(body["findings"][0]))
    response = client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 400
    assert "listed twice" in response.json()["findings"][0]
    assert Inspection.objects.count() == 0


@pytest.mark.parametrize(
    ("place", "words"),
    [
        ({"lon": 116.2195, "lat": 39.845}, "outside the area you are assigned to"),  # the west community
        ({"lon": 116.5, "lat": 39.9}, "outside every jurisdiction"),
        ({"lon": 116.2325, "lat": 39.845}, "from the hotspot"),  # about 214 m east of the stall
    ],
)
def test_a_finding_out_of_place_is_400_and_nothing_is_stored(client_for, world, inspection_payload, place, words):
    body = inspection_payload()
    body["findings"].append({"id": str(uuid.uuid4()), "problem_type": "illegal_ads", "location": place})
    response = client_for(world.users.east_inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 400
    assert words in response.json()["findings[1].location"][0]
    assert not Inspection.objects.exists() and not Finding.objects.exists()
    assert not Task.objects.exists() and not Notification.objects.exists()


def test_just_within_the_distance_of_the_hotspot_is_stored(client_for, world, inspection_payload):
    body = inspection_payload()
    body["findings"][0]["location"] = {"lon": 116.2323, "lat": 39.845}  # about 197 m east of the stall
    response = client_for(world.users.east_inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 201, response.content


def test_too_many_findings_or_too_large_answers_are_400_with_the_limit(client_for, world, inspection_payload):
    client = client_for(world.users.inspector)
    finding = inspection_payload()["findings"][0]
    many = [{**finding, "id": str(uuid.uuid4())} for _ in range(MAX_FINDINGS + 1)]
    response = client.post("/api/inspections/", inspection_payload(findings=many), format="json")
    assert response.status_code == 400
    assert f"{MAX_FINDINGS}" in str(response.json()["findings"])
    big = {"note": "x" * MAX_FREE_ANSWERS}
    response = client.post("/api/inspections/", inspection_payload(answers=big), format="json")
    assert response.status_code == 400
    assert f"at most {MAX_FREE_ANSWERS} characters" in response.json()["answers"][0]
    assert not Inspection.objects.exists()


def test_the_schema_shows_the_bounds(client_for, world):
    schema = client_for(world.users.manager).get("/api/schema/?format=json").json()
    body = schema["components"]["schemas"]["InspectionInputRequest"]["properties"]
    assert body["findings"]["maxItems"] == MAX_FINDINGS
    assert str(MAX_FREE_ANSWERS) in body["answers"]["description"]


def test_a_finding_out_of_place_is_explained_in_chinese(client_for, world, inspection_payload):
    body = inspection_payload()
    body["findings"][0]["location"] = {"lon": 116.2330, "lat": 39.845}
    response = client_for(world.users.east_inspector, language="zh-hans").post("/api/inspections/", body, format="json")
    assert response.status_code == 400
    assert "米以内" in response.json()["findings[0].location"][0]


@pytest.mark.django_db(transaction=True)
def test_inspections_submitted_at_once_are_all_stored(client_for, world, inspection_payload):
    """Twelve tablets at once: on PostGIS, and on SpatiaLite as `make run` opens it (a file, writers waiting their
    turn), every answer is 201, every inspection, finding and task stored once."""
    from inspections.evidence.problem_types import ensure_default_problem_types
    from inspections.models import Task
    from tests.databases import at_once, file_database

    ensure_default_problem_types()  # a flushed transactional database has lost the migration's rows
    bodies = [inspection_payload() for _ in range(12)]
    clients = [client_for(world.users.inspector) for _ in bodies]

    def submit(client, body):
        return lambda: client.post("/api/inspections/", body, format="json").status_code

    with file_database():
        codes, errors = at_once([submit(client, body) for client, body in zip(clients, bodies, strict=True)])
        assert errors == []
        assert codes == [201] * 12
        assert Inspection.objects.count() == 12
        assert Finding.objects.count() == 12 and Task.objects.count() == 12


@pytest.mark.django_db(transaction=True)
def test_the_same_inspection_sent_on_several_connections_at_once_is_stored_once(client_for, world, inspection_payload):
    """A tablet's retry can overtake its first request (a cut connection): each answer is 201 or the idempotent
    200 with the stored record, never 400 "… with this Id already exists", and the inspection is stored once."""
    from inspections.evidence.problem_types import ensure_default_problem_types
    from tests.databases import at_once, file_database

    ensure_default_problem_types()
    body = inspection_payload()
    clients = [client_for(world.users.inspector) for _ in range(6)]

    def submit(client):
        return lambda: client.post("/api/inspections/", body, format="json")

    with file_database():
        responses, errors = at_once([submit(client) for client in clients])
        assert errors == []
        assert sorted(r.status_code for r in responses) == [200] * 5 + [201], [r.content for r in responses]
        assert {r.json()["id"] for r in responses} == {body["id"]}
        assert Inspection.objects.count() == 1
        assert Finding.objects.count() == 1 and Task.objects.count() == 1
