"""GET /api/layers/ and GET /api/layers/<layer>.geojson: the caller's layers, each layer's rows exactly as the API's
selectors scope them and as SQL counts them per filter, the bbox and limit, and the 4xx answers."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from inspections.models import Finding, Task, TaskStatus
from inspections.selectors import findings_for_user, tasks_for_user
from tests.api_errors import field_errors
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WEST_BBOX = "116.20,39.84,116.22,39.86"


def features(response):
    assert response.status_code == 200, response.getvalue()
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.getvalue())
    assert body["type"] == "FeatureCollection" and body["numberReturned"] == len(body["features"])
    return body


def ids(response):
    return sorted(feature["id"] for feature in features(response)["features"])


def pks(queryset):
    return sorted(str(pk) for pk in queryset.values_list("pk", flat=True))


def test_the_layer_list_is_the_callers_layers_with_their_legends(client_for, world):
    body = client_for(world.users.manager).get("/api/layers/").json()
    assert [layer["name"] for layer in body] == ["jurisdictions", "tasks", "findings", "hotspots", "coverage"]
    tasks = body[1]
    assert set(tasks) == {"name", "label", "description", "style", "legend", "time_field", "weighted", "photos"}
    assert tasks["style"] == "state" and tasks["time_field"] == "registered_at" and tasks["weighted"] is True
    overdue = tasks["legend"][0]
    assert overdue == {"value": "overdue", "label": "Overdue", "color": "#d7191c", "emphasis": True}
    assert {entry["value"] for entry in tasks["legend"]} == {*TaskStatus.values, "overdue"}


def test_the_layer_list_speaks_the_callers_language(client_for, world):
    body = client_for(world.users.manager, language="zh-hans").get("/api/layers/").json()
    assert body[1]["label"] == "整改任务"
    assert body[1]["legend"][0]["label"] == "超期"


def test_volunteers_are_not_offered_the_tasks_and_are_refused_them(client_for, world):
    client = client_for(world.users.volunteer)
    assert [layer["name"] for layer in client.get("/api/layers/").json()] == [
        "jurisdictions",
        "findings",
        "hotspots",
        "coverage",
    ]
    refused = client.get("/api/layers/tasks.geojson")
    assert refused.status_code == 403 and "Rectification tasks" in refused.json()["detail"]


@pytest.mark.parametrize("path", ["/api/layers/", "/api/layers/tasks.geojson", "/api/layers/nowhere.geojson"])
def test_anonymous_callers_are_refused(api_client, world, path):
    assert api_client.get(path).status_code == 401


def test_an_unknown_layer_is_a_json_404(client_for, world):
    response = client_for(world.users.manager).get("/api/layers/nowhere.geojson")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no map layer named “nowhere”.", "code": "not_found"}


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("bbox=1,2,3", "bbox", "bbox must be four numbers"),
        ("bbox=116.3,39.8,116.2,39.9", "bbox", "bbox must have min < max"),
        ("limit=0", "limit", "limit must be a whole number from 1 to 20000, not “0”."),
        ("limit=20001", "limit", "limit must be a whole number from 1 to 20000"),
        ("limit=many", "limit", "limit must be a whole number from 1 to 20000, not “many”."),
        ("start=2026-13-01", "start", "Enter a valid date."),
        ("start=2026-05-02&end=2026-05-01", "end", "The end date comes before the start date."),
        ("status=lost", "status", "Select a valid choice. lost is not one of the available choices."),
        ("community=west", "community", "Give an id: a whole number"),
        ("severity=huge", "severity", "Select a valid choice."),
    ],
)
def test_bad_values_answer_400_naming_the_parameter(client_for, world, query, parameter, message):
    response = client_for(world.users.manager).get(f"/api/layers/tasks.geojson?{query}")
    assert response.status_code == 400
    body = response.json()
    assert list(field_errors(body)) == [parameter]
    assert isinstance(body[parameter], list) and body[parameter][0].startswith(message)


def test_every_bad_value_is_told_at_once(client_for, world):
    response = client_for(world.users.manager).get("/api/layers/tasks.geojson?bbox=x&limit=0&status=lost")
    assert response.status_code == 400 and set(field_errors(response.json())) == {"bbox", "limit", "status"}


def test_bad_values_are_told_in_the_callers_language(client_for, world):
    response = client_for(world.users.manager, language="zh-hans").get("/api/layers/tasks.geojson?limit=0")
    assert response.status_code == 400 and "limit 须为 1 至 20000 之间的整数" in response.json()["limit"][0]


def test_the_bbox_keeps_what_intersects_it(client_for, mapped):
    client = client_for(mapped.world.users.manager)
    west = tasks_for_user(mapped.world.users.manager).filter(jurisdiction=mapped.world.west)
    assert ids(client.get(f"/api/layers/tasks.geojson?bbox={WEST_BBOX}")) == pks(west)
    # the polygon hotspot reaches into a box that holds none of its corners
    plot = ids(client.get("/api/layers/hotspots.geojson?bbox=116.226,39.849,116.227,39.8495"))
    assert plot == [str(mapped.world.plot.pk)]


def test_limit_and_truncation_over_http(client_for, mapped, settings):
    client = client_for(mapped.world.users.manager)
    body = features(client.get("/api/layers/tasks.geojson?limit=2"))
    assert body["numberReturned"] == 2 and body["truncated"] is True
    settings.LAYER_GEOJSON_MAX_FEATURES = 3
    body = features(client.get("/api/layers/tasks.geojson"))
    assert body["numberReturned"] == 3 and body["truncated"] is True
    assert client.get("/api/layers/tasks.geojson?limit=4").status_code == 400


def _today(offset=0):
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


TASK_FILTERS = {
    "status=void": lambda s, rows: rows.filter(status=TaskStatus.VOID),
    "status=overdue": lambda s, rows: rows.filter(pk=s.east_overdue.pk),
    "status=overdue&status=void": lambda s, rows: rows.filter(pk__in=[s.east_overdue.pk, s.west_minor.pk]),
    "status=dispatched": lambda s, rows: rows.filter(status=TaskStatus.DISPATCHED),
    "severity=severe": lambda s, rows: rows.filter(finding__severity="severe"),
    "problem_type=exposed_garbage": lambda s, rows: rows.filter(finding__problem_type__code="exposed_garbage"),
    "community={west}": lambda s, rows: rows.filter(jurisdiction=s.world.west),
    "community={area}": lambda s, rows: rows,
    "unit={east_committee}": lambda s, rows: rows.filter(unit=s.world.east_committee),
    "campaign={campaign}": lambda s, rows: rows,
    "phase={phase}": lambda s, rows: rows,
    "phase=999999": lambda s, rows: rows.none(),
    "start={today}": lambda s, rows: rows.filter(registered_at__date__gte=timezone.localdate()),
    "end={yesterday}": lambda s, rows: rows.filter(registered_at__date__lt=timezone.localdate()),
    "category=nothing": lambda s, rows: rows.none(),
}


def _query(template, mapped):
    return template.format(
        west=mapped.world.west.pk,
        area=mapped.world.area.pk,
        east_committee=mapped.world.east_committee.pk,
        campaign=mapped.phase.campaign_id,
        phase=mapped.phase.pk,
        today=_today(),
        yesterday=_today(-1),
    )


@pytest.mark.parametrize("template", list(TASK_FILTERS))
def test_each_task_filter_gives_the_rows_sql_counts(client_for, mapped, template):
    manager = mapped.world.users.manager
    expected = TASK_FILTERS[template](mapped, tasks_for_user(manager))
    response = client_for(manager).get(f"/api/layers/tasks.geojson?{_query(template, mapped)}")
    assert ids(response) == pks(expected)
    assert (
        features(client_for(manager).get(f"/api/layers/tasks.geojson?{_query(template, mapped)}"))["numberReturned"]
        == expected.count()
    )


FINDING_FILTERS = {
    "severity=severe&severity=minor": lambda s, rows: rows.filter(severity__in=["severe", "minor"]),
    "open=false": lambda s, rows: rows.filter(is_open=False),
    "status=overdue": lambda s, rows: rows.filter(task=s.east_overdue),
    "unit={east_committee}": lambda s, rows: rows.filter(task__unit=s.world.east_committee),
    "community={west}&problem_type=street_vending": lambda s, rows: rows.filter(
        jurisdiction=s.world.west, problem_type__code="street_vending"
    ),
}


@pytest.mark.parametrize("template", list(FINDING_FILTERS))
def test_each_finding_filter_gives_the_rows_sql_counts(client_for, mapped, template):
    manager = mapped.world.users.manager
    expected = FINDING_FILTERS[template](mapped, findings_for_user(manager))
    assert ids(client_for(manager).get(f"/api/layers/findings.geojson?{_query(template, mapped)}")) == pks(expected)


def test_hotspot_states_filter(client_for, mapped):
    from tests.inspections.task_builders import make_task

    stall = mapped.world.stall
    make_task(mapped.world, mapped.phase, hotspot=stall, now=timezone.now() - dt.timedelta(days=6))
    client = client_for(mapped.world.users.manager)
    assert ids(client.get("/api/layers/hotspots.geojson?state=overdue")) == [str(stall.pk)]
    assert ids(client.get("/api/layers/hotspots.geojson?state=clear")) == [str(mapped.world.plot.pk)]
    assert ids(client.get("/api/layers/hotspots.geojson?state=open")) == []


@pytest.mark.parametrize(
    "who",
    ["admin", "manager", "west_manager", "inspector", "east_inspector", "rectifier", "east_rectifier", "nobody"],
)
def test_each_role_sees_on_the_map_what_the_api_lists(client_for, mapped, who):
    user = getattr(mapped.world.users, who)
    client = client_for(user)
    assert ids(client.get("/api/layers/tasks.geojson")) == pks(tasks_for_user(user))
    assert ids(client.get("/api/layers/findings.geojson")) == pks(findings_for_user(user))
    assert ids(client.get("/api/layers/tasks.geojson")) == sorted(
        str(task["id"]) for task in client.get("/api/tasks/").json()["results"]
    )


def test_scope_by_community_and_unit(client_for, mapped):
    users = mapped.world.users
    west = {str(mapped.west_major.pk), str(mapped.west_minor.pk)}
    east = {str(mapped.east_severe.pk), str(mapped.east_overdue.pk)}
    assert set(ids(client_for(users.west_manager).get("/api/layers/tasks.geojson"))) == west
    assert set(ids(client_for(users.east_inspector).get("/api/layers/tasks.geojson"))) == east
    assert mapped.west_major.unit == users.rectifier.unit != mapped.west_minor.unit
    assert ids(client_for(users.rectifier).get("/api/layers/tasks.geojson")) == [str(mapped.west_major.pk)]
    assert set(ids(client_for(users.east_rectifier).get("/api/layers/tasks.geojson"))) == east
    other_district = UserFactory(username="elsewhere", role="manager", jurisdiction=None)
    assert ids(client_for(other_district).get("/api/layers/tasks.geojson")) == []
    east_findings = {str(mapped.east_severe.finding_id), str(mapped.east_overdue.finding_id)}
    assert set(ids(client_for(users.east_inspector).get("/api/layers/findings.geojson"))) == east_findings
    assert Task.objects.count() == 4 and Finding.objects.count() == 4
