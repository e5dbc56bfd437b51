"""The evaluation metrics API (``/api/metrics/``) on the hand-computed February scenario
(``tests.inspections.reporting.scenario``, the ``february`` fixture): figures, scope, parameters and schema."""

import pytest
from django.utils import timezone

from inspections.models import Task
from tests.inspections.reporting.scenario import (
    EAST,
    EAST_COMMITTEE,
    FEBRUARY,
    PROPERTY_MANAGER,
    SCHOOL,
    SQUAD,
    TOTAL,
    WEST,
    WEST_COMMITTEE,
    figures,
    local,
)

pytestmark = pytest.mark.django_db

API = "/api/metrics/"


def _rows(body) -> dict:
    return {row["id"]: {k: v for k, v in row.items() if k not in ("id", "name")} for row in body["rows"]}


def _total(body) -> dict:
    return {k: v for k, v in body["total"].items() if k not in ("id", "name")}


@pytest.mark.parametrize("who", ["manager", "inspector", "admin"])
def test_api_per_unit_for_the_whole_area(client_for, world, february, who):
    response = client_for(getattr(world.users, who)).get(API, {**FEBRUARY, "group": "unit"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["group"], body["start"], body["end"]) == ("unit", "2026-02-01", "2026-02-28")
    assert _rows(body) == {
        world.west_committee.pk: WEST_COMMITTEE,
        world.property_manager.pk: PROPERTY_MANAGER,
        world.east_committee.pk: EAST_COMMITTEE,
        world.school.pk: SCHOOL,
        world.squad.pk: SQUAD,
    }
    assert _total(body) == TOTAL
    assert body["total"]["id"] is None and body["total"]["name"] == "All"


def test_api_per_community(client_for, world, february):
    response = client_for(world.users.manager).get(API, {**FEBRUARY, "group": "community"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(row["id"], row["name"]) for row in body["rows"]] == [
        (world.west.pk, "West"),
        (world.east.pk, "East"),
        (None, "Outside any community"),
    ]
    assert _rows(body) == {world.west.pk: WEST, world.east.pk: EAST, None: SQUAD}
    assert _total(body) == TOTAL
    chinese = client_for(world.users.manager, language="zh-hans").get(API, {**FEBRUARY, "group": "community"})
    assert [row["name"] for row in chinese.json()["rows"]][:2] == ["西社区", "东社区"]


def test_api_manager_of_another_community_sees_only_their_tasks(client_for, world, february):
    client = client_for(world.users.west_manager)
    body = client.get(API, {**FEBRUARY, "group": "community"}).json()
    assert _rows(body) == {world.west.pk: WEST}
    assert _total(body) == WEST
    body = client.get(API, {**FEBRUARY, "group": "unit"}).json()
    assert _rows(body) == {world.west_committee.pk: WEST_COMMITTEE, world.property_manager.pk: PROPERTY_MANAGER}


def test_api_a_unit_sees_only_its_own_tasks(client_for, world, february):
    body = client_for(world.users.east_rectifier).get(API, {**FEBRUARY, "group": "community"}).json()
    # The east committee's T7, T8, T9 and T13, all in the east community.
    assert _rows(body) == {world.east.pk: EAST_COMMITTEE}
    assert _total(body) == EAST_COMMITTEE


def test_api_someone_without_an_area_sees_an_empty_table(client_for, world, february):
    body = client_for(world.users.nobody).get(API, FEBRUARY).json()
    assert body["rows"] == [] and _total(body) == figures(0, 0, 0, 0, 0, 0, 0, (None, None, None, None), None)


def test_api_refuses_volunteers_and_anonymous_callers(client_for, api_client, world, february):
    assert client_for(world.users.volunteer).get(API, FEBRUARY).status_code == 403
    assert api_client.get(API, FEBRUARY).status_code == 401


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"end": "2026-02-28"}, "start", "Give the first day of the period as start=YYYY-MM-DD."),
        ({"start": "2026-02-01"}, "end", "Give the last day of the period as end=YYYY-MM-DD."),
        ({"start": "2026-02-30", "end": "2026-03-01"}, "start", "Date has wrong format"),
        ({"start": "1.2.2026", "end": "2026-03-01"}, "start", "YYYY-MM-DD"),
        ({"start": "2026-02-28", "end": "2026-02-01"}, "end", "before it starts (2026-02-28)"),
        ({"start": "2025-01-01", "end": "2026-01-02"}, "end", "367 days long; choose at most 366 days"),
        ({**FEBRUARY, "group": "street"}, "group", "Group by “unit” or “community”, not “street”."),
        ({"start": "9999-01-01", "end": "9999-12-31"}, "start", "between 2000-01-01 and 2099-12-31"),
        ({"start": "0001-01-01", "end": "0001-12-31"}, "start", "between 2000-01-01 and 2099-12-31"),
        ({"start": "2099-12-01", "end": "2100-01-31"}, "end", "between 2000-01-01 and 2099-12-31"),
    ],
)
def test_api_bad_parameters_are_400_with_a_clear_message(client_for, world, params, field, message):
    response = client_for(world.users.manager).get(API, params)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_api_without_group_counts_per_unit(client_for, world, february):
    body = client_for(world.users.manager).get(API, FEBRUARY).json()
    assert body["group"] == "unit" and _total(body) == TOTAL


def test_api_an_empty_group_is_ignored_as_if_not_given(client_for, world, february):
    body = client_for(world.users.manager).get(API, {**FEBRUARY, "group": ""}).json()
    assert body["group"] == "unit" and _total(body) == TOTAL


def test_api_an_undescribed_calendar_year_is_a_409_with_what_to_do(client_for, world, february):
    # A closed task whose fix came in a year neither chinese_calendar nor the office describes (the `world` fixture
    # describes the current year and the next one).
    year = timezone.localdate().year + 2
    Task.objects.filter(pk=february["T7"].pk).update(submitted_at=local(f"{year}-01-04 10:00"))
    response = client_for(world.users.manager).get(API, FEBRUARY)
    assert response.status_code == 409
    assert f"calendar for {year} is unknown" in response.json()["detail"]


def test_api_is_in_the_openapi_schema(client_for, world):
    schema = client_for(world.users.manager).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/metrics/"]["get"]
    assert "按期结案率" in operation["description"] and "closed_on_time / (due − deferred)" in operation["description"]
    assert {p["name"] for p in operation["parameters"]} == {"group", "start", "end"}


def test_a_fix_claimed_back_in_time_counts_late_and_late_synced(client_for, world, phase):
    import datetime as dt

    from tests.inspections.task_builders import fixed_offline, make_task, move

    task = make_task(world, phase, now=timezone.now() - dt.timedelta(days=6))
    task = fixed_offline(world.users.rectifier, task, due_hours_ago=48, photo_hours_ago=0.1, claimed_hours_ago=96)
    move(world.users.inspector, task, "verify")
    today = timezone.localdate()
    period = {"start": (today - dt.timedelta(days=30)).isoformat(), "end": today.isoformat()}
    total = client_for(world.users.manager).get(API, period).json()["total"]
    assert (total["closed"], total["closed_on_time"], total["late_synced"]) == (1, 0, 1)
