import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from geo.models import HotspotCategory
from inspections.models import Round
from inspections.rounds.services import RoundInput, round_create, round_delete, round_move_stop, round_update
from tests.factories import HotspotFactory, UserFactory


def _input(world, **overrides) -> RoundInput:
    values = {
        "title": "西社区今日巡查",
        "jurisdiction": world.west,
        "inspectors": [world.west_inspector],
        "day": timezone.localdate(),
    }
    values.update(overrides)
    return RoundInput(**values)


@pytest.fixture(autouse=True)
def _inspector(world, west_inspector):
    world.west_inspector = west_inspector


def _names(round_):
    return [stop.hotspot.name for stop in round_.stops.order_by("order")]


def test_hotspots_chosen_one_by_one_keep_their_order(world, west_spots):
    round_ = round_create(user=world.users.west_manager, data=_input(world, hotspots=[west_spots[1], west_spots[0]]))
    assert _names(round_) == ["西三", "西一"]
    assert round_.created_by == world.users.west_manager
    assert round_.selection["hotspots"] == [west_spots[1].pk, west_spots[0].pk]


def test_a_community_is_expanded_into_its_hotspots_in_walking_order(world, west_spots):
    round_ = round_create(user=world.users.west_manager, data=_input(world, communities=[world.west]))
    assert _names(round_) == ["西一", "西二", "西三"]  # from the first by name, nearest next
    assert round_.selection["communities"] == [world.west.code]


def test_a_grid_cell_and_a_category_are_expanded_inside_the_rounds_area(world, west_spots):
    in_cell = HotspotFactory(name="网格内", geometry="SRID=4326;POINT(116.2005 39.8405)")
    category = HotspotCategory.objects.get(code=world.stall.category.code)
    HotspotFactory(name="西摊点", geometry="SRID=4326;POINT(116.219 39.859)", category=category)
    by_cell = round_create(user=world.users.west_manager, data=_input(world, grid_cells=[world.cell]))
    assert _names(by_cell) == [in_cell.name]
    by_category = round_create(user=world.users.west_manager, data=_input(world, categories=[category]))
    assert "西摊点" in _names(by_category) and world.stall.name not in _names(by_category)  # the stall is east


def test_inspectors_cannot_plan_rounds(world, west_spots):
    with pytest.raises(PermissionDenied):
        round_create(user=world.users.inspector, data=_input(world, hotspots=west_spots))
    assert not Round.objects.exists()


def test_a_manager_plans_only_in_their_area(world, west_spots):
    manager = world.users.west_manager
    with pytest.raises(ValidationError) as refused:
        round_create(user=manager, data=_input(world, jurisdiction=world.east, hotspots=[world.stall]))
    assert "jurisdiction" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        round_create(user=manager, data=_input(world, hotspots=[west_spots[0], world.stall]))
    assert "东街摊点" in " ".join(refused.value.message_dict["hotspots"])
    assert not Round.objects.exists()


def test_inspectors_must_be_of_the_area_and_able_to_inspect_every_stop(world, west_spots):
    manager = world.users.west_manager
    with pytest.raises(ValidationError) as refused:
        round_create(user=manager, data=_input(world, hotspots=west_spots, inspectors=[world.users.east_inspector]))
    assert "inspectors" in refused.value.message_dict
    cell_only = UserFactory(username="cell_inspector", role=Role.INSPECTOR, jurisdiction=world.cell)
    with pytest.raises(ValidationError) as refused:
        round_create(user=manager, data=_input(world, hotspots=west_spots, inspectors=[cell_only]))
    assert "cannot inspect 3 hotspots" in " ".join(refused.value.message_dict["inspectors"])
    with pytest.raises(ValidationError):
        round_create(user=manager, data=_input(world, hotspots=west_spots, inspectors=[world.users.rectifier]))
    assert not Round.objects.exists()


def test_a_round_is_for_a_day_or_a_phase(world, west_spots, phase):
    with pytest.raises(ValidationError):
        round_create(user=world.users.west_manager, data=_input(world, hotspots=west_spots, phase=phase))
    with pytest.raises(ValidationError):
        round_create(user=world.users.west_manager, data=_input(world, hotspots=west_spots, day=None))
    round_ = round_create(user=world.users.west_manager, data=_input(world, hotspots=west_spots, day=None, phase=phase))
    assert (round_.first_day, round_.last_day) == (phase.starts_on, phase.ends_on)


def test_an_empty_round_is_refused(world, west_inspector):
    with pytest.raises(ValidationError) as refused:
        round_create(user=world.users.west_manager, data=_input(world))
    assert "hotspots" in refused.value.message_dict


def test_an_update_keeps_the_order_of_stops_kept_and_appends_new_ones(world, west_spots):
    manager = world.users.west_manager
    round_ = round_create(user=manager, data=_input(world, hotspots=[west_spots[1], west_spots[0]]))
    round_update(
        user=manager,
        round_=round_,
        data=_input(world, hotspots=[west_spots[0], west_spots[2]], day=timezone.localdate() + dt.timedelta(days=1)),
    )
    round_.refresh_from_db()
    assert _names(round_) == ["西一", "西二"]
    assert round_.day == timezone.localdate() + dt.timedelta(days=1)
    assert round_.selection["previous"][0]["hotspots"] == [west_spots[1].pk, west_spots[0].pk]


def test_another_areas_manager_cannot_change_or_delete_a_round(world, west_spots):
    round_ = round_create(user=world.users.west_manager, data=_input(world, hotspots=west_spots))
    east_manager = UserFactory(username="east_mgr", role=Role.MANAGER, jurisdiction=world.east)
    with pytest.raises(PermissionDenied):
        round_update(user=east_manager, round_=round_, data=_input(world, hotspots=west_spots[:1]))
    with pytest.raises(PermissionDenied):
        round_move_stop(user=east_manager, stop=round_.stops.first(), offset=1)
    with pytest.raises(PermissionDenied):
        round_delete(user=east_manager, round_=round_)
    assert round_.stops.count() == 3


def test_moving_a_stop(world, west_spots):
    manager = world.users.west_manager
    round_ = round_create(user=manager, data=_input(world, hotspots=west_spots))
    round_move_stop(user=manager, stop=round_.stops.get(order=3), offset=-1)
    assert _names(round_) == ["西一", "西二", "西三"]
    round_move_stop(user=manager, stop=round_.stops.get(order=1), offset=-1)  # already first: nothing
    assert _names(round_) == ["西一", "西二", "西三"]
