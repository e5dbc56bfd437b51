import datetime as dt

from django.utils import timezone

from inspections.rounds.selectors import round_stops, rounds_for_user, stops_for_user, unvisited_stops, with_progress
from inspections.rounds.services import RoundInput, round_create
from tests.inspections.rounds.builders import visit


def _round(world, inspector, hotspots, **overrides):
    values = {"title": "巡查", "jurisdiction": world.west, "inspectors": [inspector], "hotspots": hotspots}
    if "phase" not in overrides:
        values["day"] = timezone.localdate()
    values.update(overrides)
    return round_create(user=world.users.west_manager, data=RoundInput(**values))


def _states(round_):
    return {stop.hotspot.name: stop.state for stop in round_stops(round_)}


def test_an_inspection_received_today_by_the_rounds_inspector_visits_the_stop(world, phase, west_spots, west_inspector):
    round_ = _round(world, west_inspector, west_spots)
    assert set(_states(round_).values()) == {"due"}
    visit(west_inspector, phase, west_spots[0])
    visit(world.users.west_manager, phase, west_spots[1])  # not one of the round's inspectors: does not count
    assert _states(round_) == {"西一": "visited", "西三": "due", "西二": "due"}
    assert with_progress(rounds_for_user(west_inspector)).get().visited_count == 1


def test_the_server_time_counts_not_the_claimed_one(world, phase, west_spots, west_inspector):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    round_ = _round(world, west_inspector, west_spots[:1], day=yesterday)
    # Started yesterday by the tablet's clock, but received today: not a visit of yesterday's round.
    visit(west_inspector, phase, west_spots[0])
    assert _states(round_) == {"西一": "missed"}
    received = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(16, 0)))
    visit(west_inspector, phase, west_spots[0], received_at=received)
    assert _states(round_) == {"西一": "visited"}


def test_a_phase_round_counts_visits_over_the_whole_phase(world, phase, west_spots, west_inspector):
    round_ = _round(world, west_inspector, west_spots[:2], day=None, phase=phase)
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    visit(west_inspector, phase, west_spots[0], received_at=three_days_ago)
    assert _states(round_) == {"西一": "visited", "西三": "due"}


def test_who_sees_which_rounds(world, phase, west_spots, west_inspector):
    round_ = _round(world, west_inspector, west_spots)
    assert list(rounds_for_user(west_inspector)) == [round_]
    assert list(rounds_for_user(world.users.west_manager)) == [round_]
    assert list(rounds_for_user(world.users.manager)) == [round_]  # the whole area's manager
    for other in (world.users.east_inspector, world.users.rectifier, world.users.inspector):
        assert not rounds_for_user(other).exists()
        assert not stops_for_user(other).exists()


def test_coverage_lists_the_unvisited_stops_of_the_period(world, phase, west_spots, west_inspector):
    _round(world, west_inspector, west_spots)
    visit(west_inspector, phase, west_spots[0])
    today = timezone.localdate()
    unvisited = unvisited_stops(world.users.west_manager, start=today, end=today)
    assert [stop.hotspot.name for stop in unvisited] == ["西三", "西二"]
    assert not unvisited_stops(world.users.west_manager, start=today + dt.timedelta(days=1), end=today).exists()
    assert not unvisited_stops(world.users.east_inspector, start=today, end=today).exists()
