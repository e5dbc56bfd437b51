"""Scores and rankings on the hand-computed scoring scenario (``tests.inspections.reporting.scoring``), their
agreement with one hand-written SQL statement, movement and scope."""

import io

import pytest

from benchmarks.ranking_sql import ranking_sql
from inspections.models import answers_deduction
from inspections.reporting.rankings import RankingFilter, RankRow, previous_phase, ranking, red_and_black
from inspections.reporting.scores import group_scores, hotspot_scores, inspection_score
from tests.inspections.reporting.scoring import build_scoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(world):
    return build_scoring(world)


def test_each_inspection_stores_the_deduction_of_its_answers(scoring):
    stored = {key: inspection.deduction for key, inspection in scoring.inspections.items()}
    assert stored == {
        "p1_w1": 5.0,
        "p1_stall": 0.0,
        "p1_plot": 0.0,
        "w1_a": 2.0,
        "w1_b": 8.0,
        "w2": 3.0,
        "stall": 10.0,
        "stall_free": None,
        "plot": 0.0,
    }
    for inspection in scoring.inspections.values():
        inspection.refresh_from_db()
        assert inspection.deduction == answers_deduction(inspection.answers)


def test_an_inspection_scores_100_minus_its_deduction_and_never_below_0():
    assert inspection_score(8.0) == 92.0
    assert inspection_score(130.0) == 0.0


def test_hotspot_scores_by_hand(world, scoring):
    rows = hotspot_scores(user=world.users.admin, phases=[scoring.p2])
    assert {(r.name, r.score, r.inspections, r.deductions, r.weight) for r in rows} == {
        ("西里小区", 95.0, 2, 10.0, 1.0),
        ("西侧工地", 97.0, 1, 3.0, 2.0),
        ("东街摊点", 90.0, 1, 10.0, 1.0),
        ("东侧待建地块", 100.0, 1, 0.0, 1.0),
    }


def test_community_scores_are_weighted_by_category(world, scoring):
    rows = hotspot_scores(user=world.users.admin, phases=[scoring.p2])
    groups = {g.key: g for g in group_scores(rows, "community")}
    west, east = groups[world.west.pk], groups[world.east.pk]
    assert (west.name, west.score, west.inspections, west.deductions, west.hotspots) == (
        "West",
        pytest.approx(289 / 3),
        3,
        13.0,
        2,
    )
    assert (east.name, east.score, east.inspections, east.deductions, east.hotspots) == ("East", 95.0, 2, 10.0, 2)


def test_community_ranking_by_hand_with_movement(world, scoring):
    assert previous_phase(scoring.p2) == scoring.p1
    assert ranking(user=world.users.admin, phase=scoring.p2, level="community") == [
        RankRow(1, world.west.pk, "West", 96.33, 3, 13.0, 2, 1),
        RankRow(2, world.east.pk, "East", 95.0, 2, 10.0, 1, -1),
    ]


def test_unit_ranking_by_hand_with_movement(world, scoring):
    rows = ranking(user=world.users.admin, phase=scoring.p2, level="unit")
    assert [(r.rank, r.key, r.score, r.previous_rank, r.movement) for r in rows] == [
        (1, world.property_manager.pk, 97.0, None, None),
        (2, world.west_committee.pk, 95.0, 2, 0),
        (3, world.school.pk, 90.0, 1, -2),
    ]


def test_the_first_phase_has_no_previous_ranks(world, scoring):
    rows = ranking(user=world.users.admin, phase=scoring.p1, level="community")
    assert [(r.name, r.rank, r.score, r.movement) for r in rows] == [("East", 1, 100.0, None), ("West", 2, 95.0, None)]


def test_a_category_weight_changes_the_score(world, scoring):
    from geo.models import HotspotCategory

    HotspotCategory.objects.filter(code="construction_site").update(score_weight=1.0)
    rows = ranking(user=world.users.admin, phase=scoring.p2, level="community")
    assert rows[0].key == world.west.pk and rows[0].score == 96.0


def test_equal_scores_share_a_rank(world, scoring):
    from inspections.models import Inspection

    Inspection.objects.filter(pk=scoring.inspections["w2"].pk).update(deduction=5.0)
    Inspection.objects.filter(hotspot=world.stall, phase=scoring.p2).update(deduction=5.0)
    rows = ranking(user=world.users.admin, phase=scoring.p2, level="unit")
    assert [(r.rank, r.score) for r in rows] == [(1, 95.0), (1, 95.0), (1, 95.0)]


@pytest.mark.parametrize("level", ["community", "unit"])
@pytest.mark.parametrize("who", ["admin", "west_manager", "manager"])
def test_rankings_agree_with_sql(world, scoring, level, who):
    user = getattr(world.users, who)
    rows = ranking(user=user, phase=scoring.p2, level=level)
    root = user.scope_root()
    expected = ranking_sql(
        phase_id=scoring.p2.pk,
        previous_id=scoring.p1.pk,
        level=level,
        scope_code="" if who == "admin" else root.code,
    )
    got = sorted((r.key, r.rank, r.score, r.inspections, r.deductions, r.previous_rank) for r in rows)
    assert got == sorted(expected)
    assert got


# The dashboard's filters as a ranking takes them: (community, category, unit) by the world's names.
FILTERS = {
    "area": ("area", None, None),
    "west": ("west", None, None),
    "east": ("east", None, None),
    "grid cell": ("cell", None, None),
    "old compounds": (None, "old_compound", None),
    "construction sites": (None, "construction_site", None),
    "property manager": (None, None, "property_manager"),
    "west committee": (None, None, "west_committee"),
    "east old compounds": ("east", "old_compound", None),
    "west committee's old compounds": ("west", "old_compound", "west_committee"),
}


def _within(world, name: str) -> RankingFilter:
    community, category, unit = FILTERS[name]
    return RankingFilter(
        community_code=getattr(world, community).code if community else None,
        category=category,
        unit=getattr(world, unit).pk if unit else None,
    )


@pytest.mark.parametrize("level", ["community", "unit"])
@pytest.mark.parametrize("who", ["admin", "west_manager"])
@pytest.mark.parametrize("name", list(FILTERS))
def test_filtered_rankings_agree_with_sql(world, scoring, level, who, name):
    user = getattr(world.users, who)
    within = _within(world, name)
    rows = ranking(user=user, phase=scoring.p2, level=level, within=within)
    expected = ranking_sql(
        phase_id=scoring.p2.pk,
        previous_id=scoring.p1.pk,
        level=level,
        scope_code="" if who == "admin" else user.scope_root().code,
        community_code=within.community_code or "",
        category=within.category,
        unit=within.unit,
    )
    assert sorted((r.key, r.rank, r.score, r.inspections, r.deductions, r.previous_rank) for r in rows) == sorted(
        expected
    )


def test_a_community_filter_ranks_the_communities_within_it_and_the_units_on_its_hotspots(world, scoring):
    admin = world.users.admin
    area = RankingFilter(community_code=world.area.code)
    assert ranking(user=admin, phase=scoring.p2, level="community", within=area) == ranking(
        user=admin, phase=scoring.p2, level="community"
    )
    west = RankingFilter(community_code=world.west.code)
    assert [
        (r.name, r.rank, r.previous_rank) for r in ranking(user=admin, phase=scoring.p2, level="community", within=west)
    ] == [("West", 1, 1)]
    units = ranking(user=admin, phase=scoring.p2, level="unit", within=west)
    assert [(r.key, r.rank, r.score, r.previous_rank, r.movement) for r in units] == [
        (world.property_manager.pk, 1, 97.0, None, None),
        (world.west_committee.pk, 2, 95.0, 1, -1),
    ]
    cell = RankingFilter(community_code=world.cell.code)  # no hotspot lies in the grid cell
    assert ranking(user=admin, phase=scoring.p2, level="community", within=cell) == []


def test_a_category_filter_scores_the_hotspots_of_that_category_only(world, scoring):
    # Old compounds: W1 (95) in the west; the stall (90) and the plot (100) in the east: 95 each, a shared rank.
    # In P1 the east (100) led the west (95).
    old = RankingFilter(category="old_compound")
    rows = ranking(user=world.users.admin, phase=scoring.p2, level="community", within=old)
    assert [(r.name, r.rank, r.score, r.inspections, r.previous_rank, r.movement) for r in rows] == [
        ("East", 1, 95.0, 2, 1, 0),
        ("West", 1, 95.0, 2, 2, 1),
    ]
    sites = RankingFilter(category="construction_site")
    units = ranking(user=world.users.admin, phase=scoring.p2, level="unit", within=sites)
    assert [(r.key, r.score) for r in units] == [(world.property_manager.pk, 97.0)]


def test_a_unit_filter_narrows_the_community_ranking_only(world, scoring):
    admin = world.users.admin
    pm = RankingFilter(unit=world.property_manager.pk)
    rows = ranking(user=admin, phase=scoring.p2, level="community", within=pm)
    assert [(r.name, r.rank, r.score, r.inspections, r.previous_rank) for r in rows] == [("West", 1, 97.0, 1, None)]
    assert ranking(user=admin, phase=scoring.p2, level="unit", within=pm) == ranking(
        user=admin, phase=scoring.p2, level="unit"
    )


def test_a_community_manager_ranks_only_their_community(world, scoring):
    rows = ranking(user=world.users.west_manager, phase=scoring.p2, level="community")
    assert [(r.name, r.rank, r.previous_rank, r.movement) for r in rows] == [("West", 1, 1, 0)]
    units = ranking(user=world.users.west_manager, phase=scoring.p2, level="unit")
    assert {r.key for r in units} == {world.west_committee.pk, world.property_manager.pk}


def test_a_units_member_ranks_nothing(world, scoring):
    assert ranking(user=world.users.rectifier, phase=scoring.p2, level="community") == []


def test_red_and_black_lists(world, scoring):
    rows = ranking(user=world.users.admin, phase=scoring.p2, level="unit")
    red, black = red_and_black(rows, 1)
    assert [r.key for r in red] == [world.property_manager.pk]
    assert [r.key for r in black] == [world.school.pk]
    red, black = red_and_black(rows, 2)
    assert [r.key for r in red] == [world.property_manager.pk, world.west_committee.pk]
    assert [r.key for r in black] == [world.school.pk]
    assert red_and_black([], 3) == ([], [])


def test_check_scores_finds_a_deduction_that_does_not_match_the_answers(world, scoring):
    from django.core.management import CommandError, call_command

    from inspections.models import Inspection

    call_command("check_scores", stdout=io.StringIO())
    tampered = scoring.inspections["w2"]
    Inspection.objects.filter(pk=tampered.pk).update(deduction=0.0)
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 inspection does not match its answers\."):
        call_command("check_scores", stdout=out)
    assert f"Inspection {tampered.pk}: stored 0.0, its answers give 3.0." in out.getvalue()
