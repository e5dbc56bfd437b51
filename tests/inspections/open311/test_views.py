"""GeoReport v2 round trips in JSON and XML: discovery, services, a report posted and read back."""

import uuid
from xml.etree import ElementTree

import pytest

from inspections.models import PublicReport, TaskOrigin, TaskStatus
from inspections.rectification.tasks import MoveInput, task_transition
from tests.inspections.open311.conftest import WEST

pytestmark = pytest.mark.django_db


def post(open311, key, fmt="json", headers=None, **fields):
    body = {"api_key": key, "service_code": "exposed_garbage", "description": "垃圾堆在路边", **WEST, **fields}
    return open311.post(f"/open311/v2/requests.{fmt}", body, headers=headers or {})


def xml(response):
    return ElementTree.fromstring(response.content)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_the_specification_and_both_formats(open311, fmt):
    response = open311.get(f"/open311/v2/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        endpoint = response.json()["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"].endswith("/open311/v2/")
        assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    else:
        assert response["Content-Type"].startswith("text/xml")
        root = xml(response)
        assert root.tag == "discovery"
        assert [f.text for f in root.iter("format")] == ["application/json", "text/xml"]


def test_services_are_the_active_problem_types(open311, world):
    from inspections.models import ProblemType

    ProblemType.objects.filter(code="illegal_ads").update(active=False)
    services = open311.get("/open311/v2/services.json").json()
    codes = {service["service_code"] for service in services}
    assert "exposed_garbage" in codes and "illegal_ads" not in codes
    garbage = next(service for service in services if service["service_code"] == "exposed_garbage")
    assert garbage["service_name"] == "Exposed garbage" and garbage["metadata"] is True
    assert garbage["type"] == "realtime"
    root = xml(open311.get("/open311/v2/services.xml"))
    assert root.tag == "services" and "exposed_garbage" in {s.findtext("service_code") for s in root}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_definition_offers_the_severity(open311, world, fmt):
    response = open311.get(f"/open311/v2/services/exposed_garbage.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        attribute = response.json()["attributes"][0]
        assert attribute["code"] == "severity" and attribute["datatype"] == "singlevaluelist"
        assert [value["key"] for value in attribute["values"]] == ["minor", "major", "severe"]
    else:
        root = xml(response)
        assert root.tag == "service_definition"
        assert [v.findtext("key") for v in root.iter("value")] == ["minor", "major", "severe"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_answers_404_in_the_error_format(open311, world, fmt):
    response = open311.get(f"/open311/v2/services/no_such.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json() == [{"code": 404, "description": response.json()[0]["description"]}]
    else:
        root = xml(response)
        assert root.tag == "errors" and root.find("error").findtext("code") == "404"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_posted_request_becomes_a_public_finding_in_triage_routed_by_place(open311, reporting, world, phase, fmt):
    client, key = reporting
    response = post(open311, key, fmt, email="citizen@example.com", phone="13800000000", first_name="小明")
    assert response.status_code == 201, response.content
    if fmt == "json":
        [created] = response.json()
        request_id = created["service_request_id"]
        assert created["account_id"] is None
    else:
        root = xml(response)
        assert root.tag == "service_requests"
        request_id = root.find("request").findtext("service_request_id")
    report = PublicReport.objects.select_related("finding__task").get(finding_id=request_id)
    task = report.finding.task
    assert (task.status, task.origin) == (TaskStatus.TRIAGE, TaskOrigin.PUBLIC)
    assert task.unit == world.west_committee and report.finding.jurisdiction == world.west
    assert report.client == client and report.reporter_email == "citizen@example.com"

    read = open311.get(f"/open311/v2/requests/{request_id}.{fmt}")
    assert read.status_code == 200
    if fmt == "json":
        [shown] = read.json()
        assert shown["status"] == "open" and shown["service_code"] == "exposed_garbage"
        assert shown["agency_responsible"] == ""  # not dispatched yet
        assert (shown["lat"], shown["long"]) == (39.845, 116.215)
    else:
        assert xml(read).find("request").findtext("status") == "open"
    for personal in (b"citizen@example.com", b"13800000000", "小明".encode()):
        assert personal not in read.content and personal not in response.content


def test_the_agency_is_named_once_dispatched_and_the_status_closes(open311, reporting, world, phase):
    _client, key = reporting
    request_id = post(open311, key).json()[0]["service_request_id"]
    task = PublicReport.objects.get(finding_id=request_id).finding.task
    manager = world.users.manager
    task_transition(user=manager, task_id=task.pk, data=MoveInput(action="dispatch"))
    [shown] = open311.get(f"/open311/v2/requests/{request_id}.json").json()
    assert shown["agency_responsible"] == world.west_committee.name and shown["status"] == "open"
    assert shown["expected_datetime"] is not None
    task_transition(user=manager, task_id=task.pk, data=MoveInput(action="void", note="重复上报"))
    [shown] = open311.get(f"/open311/v2/requests/{request_id}.json").json()
    assert shown["status"] == "closed"
    closed = open311.get("/open311/v2/requests.json?status=closed").json()
    assert [item["service_request_id"] for item in closed] == [request_id]
    assert open311.get("/open311/v2/requests.json?status=open").json() == []


def test_requests_filter_by_id_code_dates_and_status(open311, reporting, world, phase):
    _client, key = reporting
    first = post(open311, key).json()[0]["service_request_id"]
    second = post(open311, key, service_code="illegal_ads").json()[0]["service_request_id"]

    def ids(query):
        response = open311.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 200, response.content
        return {item["service_request_id"] for item in response.json()}

    assert ids("") == {first, second}
    assert ids(f"service_request_id={first}") == {first}
    assert ids(f"service_request_id={first},{second}&service_code=nothing") == {first, second}
    assert ids("service_code=illegal_ads") == {second}
    assert ids("status=open") == {first, second}
    assert ids("start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00Z") == set()
    assert ids("start_date=2000-01-01T00:00:00Z") == {first, second}
    root = xml(open311.get("/open311/v2/requests.xml"))
    assert {r.findtext("service_request_id") for r in root.iter("request")} == {first, second}


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("status=pending", "status"),
        ("start_date=yesterday", "start_date"),
        ("service_request_id=42", "service_request_id"),
        ("start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "end_date"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_filter_that_cannot_be_read_answers_400_naming_it(open311, world, query, named, fmt):
    response = open311.get(f"/open311/v2/requests.{fmt}?{query}")
    assert response.status_code == 400
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 400 and error["description"].startswith(named)
    else:
        assert xml(response).find("error").findtext("description").startswith(named)


def test_an_unknown_request_answers_404(open311, world):
    assert open311.get(f"/open311/v2/requests/{uuid.uuid4()}.json").status_code == 404
    response = open311.get("/open311/v2/requests/not-an-id.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404


def test_dates_outside_the_range_are_refused_not_overflowed(open311, world):
    for query in ("end_date=0001-01-01T00:00:00Z", "start_date=9999-12-31T23:59:59-12:00"):
        response = open311.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 400 and response.json()[0]["description"].split(":")[0] in query
