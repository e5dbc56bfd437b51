"""`GET /api/rankings/` and `GET /api/scores/` on the hand-computed scoring scenario: figures, scope, roles and
the 400s with their messages."""

import pytest

from tests.api_errors import field_errors
from tests.inspections.reporting.scoring import build_scoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(world):
    return build_scoring(world)


def get(client_for, user, url, **params):
    return client_for(user).get(url, params)


def test_the_community_ranking_with_movement_and_lists(client_for, world, scoring):
    response = get(client_for, world.users.manager, "/api/rankings/", phase=scoring.p2.pk, level="community", n=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["phase"], body["previous_phase"], body["level"]) == (scoring.p2.pk, scoring.p1.pk, "community")
    assert body["rows"] == [
        {
            "id": world.west.pk,
            "name": "West",
            "rank": 1,
            "score": 96.33,
            "inspections": 3,
            "deductions": 13.0,
            "previous_rank": 2,
            "movement": 1,
        },
        {
            "id": world.east.pk,
            "name": "East",
            "rank": 2,
            "score": 95.0,
            "inspections": 2,
            "deductions": 10.0,
            "previous_rank": 1,
            "movement": -1,
        },
    ]
    assert (body["red"], body["black"]) == ([world.west.pk], [world.east.pk])


def test_the_unit_ranking(client_for, world, scoring):
    body = get(client_for, world.users.admin, "/api/rankings/", phase=scoring.p2.pk, level="unit").json()
    assert [(row["id"], row["rank"], row["score"], row["movement"]) for row in body["rows"]] == [
        (world.property_manager.pk, 1, 97.0, None),
        (world.west_committee.pk, 2, 95.0, 0),
        (world.school.pk, 3, 90.0, -2),
    ]


def test_another_communitys_manager_sees_only_their_own(client_for, world, scoring):
    body = get(client_for, world.users.west_manager, "/api/rankings/", phase=scoring.p2.pk, level="community").json()
    assert [row["id"] for row in body["rows"]] == [world.west.pk]
    scores = get(client_for, world.users.west_manager, "/api/scores/", phase=scoring.p2.pk).json()
    assert {row["id"] for row in scores["rows"]} == {scoring.w1.pk, scoring.w2.pk}


@pytest.mark.parametrize("who", ["inspector", "volunteer", "rectifier"])
def test_other_roles_are_refused(client_for, world, scoring, who):
    user = getattr(world.users, who)
    for url in ("/api/rankings/", "/api/scores/"):
        response = get(client_for, user, url, phase=scoring.p2.pk, level="unit")
        assert response.status_code == 403
        assert response.json()["detail"] == "Scores and rankings are for managers and administrators."


def test_anonymous_is_401(api_client, scoring):
    assert api_client.get("/api/rankings/", {"phase": scoring.p2.pk, "level": "unit"}).status_code == 401


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"level": "unit"}, "phase", "Give the campaign phase as phase=<id>."),
        ({"phase": 999999, "level": "unit"}, "phase", "There is no campaign phase 999999."),
        ({"phase": "x", "level": "unit"}, "phase", "A phase is given by its id (a whole number)."),
        ({"phase": "P2"}, "level", "Give level=community or level=unit."),
        ({"phase": "P2", "level": "street"}, "level", "Rank by “community” or “unit”, not “street”."),
        ({"phase": "P2", "level": "unit", "n": 51}, "n", "The red and black lists name at most 50 groups."),
        ({"phase": "P2", "level": "unit", "n": -1}, "n", "n cannot be negative."),
    ],
)
def test_ranking_400s_name_the_parameter(client_for, world, scoring, params, field, message):
    params = {key: scoring.p2.pk if value == "P2" else value for key, value in params.items()}
    response = get(client_for, world.users.manager, "/api/rankings/", **params)
    assert response.status_code == 400
    assert response.json()[field] == [message]


def test_hotspot_scores_with_filters(client_for, world, scoring):
    body = get(client_for, world.users.manager, "/api/scores/", phase=scoring.p2.pk).json()
    by_id = {row["id"]: row for row in body["rows"]}
    assert by_id[scoring.w1.pk] == {
        "id": scoring.w1.pk,
        "name": "西里小区",
        "category": scoring.w1.category_id,
        "weight": 1.0,
        "community": world.west.pk,
        "unit": world.west_committee.pk,
        "score": 95.0,
        "inspections": 2,
        "deductions": 10.0,
    }
    assert by_id[world.plot.pk]["unit"] is None and by_id[world.plot.pk]["score"] == 100.0
    only = get(client_for, world.users.manager, "/api/scores/", phase=scoring.p2.pk, hotspot=world.stall.pk).json()
    assert [(row["id"], row["score"], row["inspections"]) for row in only["rows"]] == [(world.stall.pk, 90.0, 1)]
    east = get(client_for, world.users.manager, "/api/scores/", phase=scoring.p2.pk, community=world.east.pk).json()
    assert {row["id"] for row in east["rows"]} == {world.stall.pk, world.plot.pk}
    sponsored = get(
        client_for, world.users.manager, "/api/scores/", phase=scoring.p2.pk, unit=world.property_manager.pk
    ).json()
    assert [row["id"] for row in sponsored["rows"]] == [scoring.w2.pk]
    sites = get(client_for, world.users.manager, "/api/scores/", phase=scoring.p2.pk, category="construction_site")
    assert [(row["id"], row["weight"]) for row in sites.json()["rows"]] == [(scoring.w2.pk, 2.0)]


def test_scores_refuse_places_outside_the_area(client_for, world, scoring):
    manager = world.users.west_manager
    response = get(client_for, manager, "/api/scores/", phase=scoring.p2.pk, community=world.east.pk)
    assert response.status_code == 400
    assert field_errors(response.json()) == {"community": [f"{world.east.pk} is not one of your area's."]}
    response = get(client_for, manager, "/api/scores/", phase=scoring.p2.pk, hotspot=world.stall.pk)
    assert field_errors(response.json()) == {"hotspot": [f"{world.stall.pk} is not one of your area's."]}
    response = get(client_for, manager, "/api/scores/", phase=scoring.p2.pk, unit=world.school.pk)
    assert field_errors(response.json()) == {"unit": [f"{world.school.pk} is not one of your area's."]}
    response = get(client_for, manager, "/api/scores/", phase=scoring.p2.pk, category="nope")
    assert field_errors(response.json()) == {"category": ["There is no hotspot category “nope”."]}


def test_an_inspection_carries_its_deduction_and_score(client_for, world, scoring):
    inspection = scoring.inspections["w1_b"]
    body = client_for(world.users.manager).get(f"/api/inspections/{inspection.pk}/").json()
    assert (body["deduction"], body["score"]) == (8.0, 92.0)
    free = client_for(world.users.manager).get(f"/api/inspections/{scoring.inspections['stall_free'].pk}/").json()
    assert (free["deduction"], free["score"]) == (None, None)
