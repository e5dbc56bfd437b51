"""The dashboard's figures on the briefings' scene (this week: two verified fixes, an open finding, an overdue task,
one at the stall) and the scoring scenario: by hand, against hand-written SQL on the same filter, and scoped."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from benchmarks.dashboard_sql import dashboard_kpis_sql
from benchmarks.ranking_sql import ranking_sql
from inspections.models import Finding
from inspections.reporting.dashboard import (
    anchor_day,
    charts,
    dashboard_filter,
    filtered_findings,
    filtered_tasks,
    finding_counts,
    kpis,
    month_spans,
    rankings,
    task_counts,
    week_spans,
)
from inspections.reporting.metrics import Period
from inspections.reporting.rankings import RankingFilter, ranking
from tests.inspections.reporting.scoring import build_scoring

pytestmark = pytest.mark.django_db


def _filter(**params):
    today = timezone.localdate()
    query = {"start": (today - dt.timedelta(days=29)).isoformat(), "end": (today + dt.timedelta(days=30)).isoformat()}
    query.update({k: str(v) for k, v in params.items()})
    return dashboard_filter(query)


def _ours(user, flt, now):
    return {
        **finding_counts(filtered_findings(user, flt), anchor_day(flt, now)),
        **task_counts(filtered_tasks(user, flt), flt, now),
    }


def test_the_spans_compared():
    assert week_spans(dt.date(2026, 3, 4)) == (
        Period(dt.date(2026, 3, 2), dt.date(2026, 3, 4)),
        Period(dt.date(2026, 2, 23), dt.date(2026, 2, 25)),
    )
    assert month_spans(dt.date(2026, 3, 31)) == (
        Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    )
    flt = dashboard_filter({"start": "2026-03-01", "end": "2026-03-10"})
    assert flt.previous == Period(dt.date(2026, 2, 19), dt.date(2026, 2, 28))


def test_kpis_by_hand(world, briefed):
    flt = _filter()
    tiles = {kpi.key: kpi for kpi in kpis(world.users.manager, flt)}
    assert (tiles["open_tasks"].value, tiles["overdue"].value) == (3, 1)
    assert (tiles["open_tasks"].previous, tiles["overdue"].previous) == (0, 0)
    # Findings made today count this week and this month, whatever weekday today is.
    assert (tiles["findings_week"].value, tiles["findings_week"].previous) == (5, 0)
    assert tiles["findings_month"].value == 5
    # Five tasks due in the period: the two verified fixes were submitted before their deadline.
    on_time = tiles["on_time_closure_rate"]
    assert on_time.parts == (2, 5) and on_time.value == pytest.approx(0.4)
    assert on_time.previous is None and on_time.change is None
    assert tiles["rework_rate"].parts == (0, 2)
    assert tiles["extension_rate"].parts == (0, 5)


def test_a_finding_moved_to_last_week_changes_the_trend(world, briefed):
    today = timezone.localdate()
    last_week = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=7), dt.time(10)))
    Finding.objects.filter(pk=briefed.open_west.finding_id).update(created_at=last_week)
    tiles = {kpi.key: kpi for kpi in kpis(world.users.manager, _filter())}
    assert (tiles["findings_week"].value, tiles["findings_week"].previous, tiles["findings_week"].change) == (4, 1, 3)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"community": "west"},
        {"community": "east"},
        {"unit": "west_committee"},
        {"problem_type": "illegal_ads"},
        {"category": "old_compound"},
        {"phase": "phase"},
    ],
    ids=lambda p: "-".join(p) or "all",
)
def test_kpis_agree_with_sql_on_the_same_filter(world, phase, briefed, params):
    objects = {"west": world.west, "east": world.east, "west_committee": world.west_committee, "phase": phase}
    values = {k: (objects[v].pk if v in objects else v) for k, v in params.items()}
    flt = _filter(**values)
    now = timezone.now()
    ours = _ours(world.users.admin, flt, now)
    sql = dashboard_kpis_sql(start=flt.period.start, end=flt.period.end, now=now, filters=values)
    assert ours == sql
    assert any(ours.values())


def test_a_managers_figures_are_those_of_their_area(world, briefed):
    now = timezone.now()
    flt = _filter()
    west = _ours(world.users.west_manager, flt, now)
    assert west == dashboard_kpis_sql(start=flt.period.start, end=flt.period.end, now=now, scope_code=world.west.code)
    assert west["overdue"] == 0 and west["week"] == 3  # the overdue task and the stall are in the east


def test_another_communitys_filter_shows_nothing_of_it(world, briefed):
    flt = _filter(community=world.east.pk)
    counts = _ours(world.users.west_manager, flt, timezone.now())
    assert not any(counts.values())
    board = charts(world.users.west_manager, flt)
    assert board.by_community == [] and board.by_unit == [] and sum(board.findings_per_day) == 0


def _group_by(sql: str, params: list) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def test_charts_agree_with_sql_group_by(world, briefed):
    flt = _filter()
    board = charts(world.users.admin, flt)
    by_type = _group_by(
        "SELECT pt.code, COUNT(*) FROM inspections_finding f "
        "JOIN inspections_problemtype pt ON pt.id = f.problem_type_id GROUP BY pt.code",
        [],
    )
    assert {bar.key: bar.value for bar in board.by_problem_type} == by_type == {"exposed_garbage": 4, "illegal_ads": 1}
    by_unit = _group_by(
        "SELECT t.unit_id, COUNT(*) FROM inspections_finding f JOIN inspections_task t ON t.finding_id = f.id "
        "GROUP BY t.unit_id",
        [],
    )
    assert {bar.key: bar.value for bar in board.by_unit} == by_unit
    assert {bar.key: bar.value for bar in board.by_community} == {world.west.pk: 3, world.east.pk: 2}
    assert {bar.key: bar.value for bar in board.by_category} == {"old_compound": 2, None: 3}
    today = timezone.localdate().isoformat()
    assert board.findings_per_day[board.days.index(today)] == 5 and sum(board.findings_per_day) == 5
    assert board.closures_per_day[board.days.index(today)] == 2 and sum(board.closures_per_day) == 2
    assert {bar.key: bar.value for bar in board.ageing} == {"1-3": 1, "4-7": 0, "8-14": 0, "15-30": 0, "30+": 0}


def test_rankings_are_the_phases_ranking_with_red_and_black_lists(world):
    scoring = build_scoring(world)
    flt = _filter(phase=scoring.p2.pk)
    ranked = rankings(world.users.admin, flt, n=1)
    assert ranked.phase == scoring.p2
    assert ranked.community == ranking(user=world.users.admin, phase=scoring.p2, level="community")
    sql = ranking_sql(phase_id=scoring.p2.pk, previous_id=scoring.p1.pk, level="unit")
    assert [(r.key, r.rank, r.score, r.previous_rank) for r in ranked.unit] == [(s[0], s[1], s[2], s[5]) for s in sql]
    assert ranked.red == {"community": [world.west.pk], "unit": [world.property_manager.pk]}
    assert ranked.black == {"community": [world.east.pk], "unit": [world.school.pk]}
    # Without a phase, the phase running on the period's last day is ranked.
    assert rankings(world.users.admin, dashboard_filter({})).phase == scoring.p2


def test_the_rankings_follow_the_community_category_and_unit_filters(world):
    scoring = build_scoring(world)
    admin = world.users.admin
    ranked = rankings(admin, _filter(phase=scoring.p2.pk, community=world.west.pk, category="old_compound"))
    assert ranked.within == RankingFilter(community_code=world.west.code, category="old_compound")
    expected = ranking_sql(
        phase_id=scoring.p2.pk,
        previous_id=scoring.p1.pk,
        level="unit",
        community_code=world.west.code,
        category="old_compound",
    )
    assert [(r.key, r.rank, r.score, r.previous_rank) for r in ranked.unit] == [
        (s[0], s[1], s[2], s[5]) for s in expected
    ]
    assert [r.key for r in ranked.community] == [world.west.pk] and ranked.not_applied == ()
    by_unit = rankings(admin, _filter(phase=scoring.p2.pk, unit=world.property_manager.pk, problem_type="illegal_ads"))
    assert [(r.key, r.score) for r in by_unit.community] == [(world.west.pk, 97.0)]
    assert len(by_unit.unit) == 3 and by_unit.marked_unit == world.property_manager.pk
    assert by_unit.not_applied == ("problem_type",)
    # A community id that names no jurisdiction ranks nothing, as the layers' filter matches nothing.
    nowhere = rankings(admin, _filter(phase=scoring.p2.pk, community=999_999))
    assert nowhere.community == [] and nowhere.unit == []


@pytest.mark.parametrize(
    "query, name",
    [
        ({"start": "2026-13-01"}, "start"),
        ({"community": "west"}, "community"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "end"),
    ],
)
def test_a_wrong_filter_names_its_parameter(query, name):
    with pytest.raises(ValidationError) as caught:
        dashboard_filter(query)
    assert name in caught.value.message_dict
