import datetime as dt

from django.utils import timezone

from inspections.rounds.services import RoundInput, round_create
from tests.inspections.rounds.builders import visit


def _round(world, inspector, hotspots, day=None):
    return round_create(
        user=world.users.west_manager,
        data=RoundInput(
            title="今日巡查",
            jurisdiction=world.west,
            inspectors=[inspector],
            hotspots=hotspots,
            day=day or timezone.localdate(),
        ),
    )


def test_todays_round_of_the_caller_with_its_order_and_progress(world, phase, west_spots, west_inspector, client_for):
    round_ = _round(world, west_inspector, [west_spots[1], west_spots[0]])
    _round(world, west_inspector, west_spots[2:], day=timezone.localdate() + dt.timedelta(days=1))
    visit(west_inspector, phase, west_spots[0])
    answer = client_for(west_inspector).get("/api/rounds/?date=today&inspector=me")
    assert answer.status_code == 200, answer.content
    rows = answer.json()["results"]
    assert [row["id"] for row in rows] == [round_.pk]
    row = rows[0]
    assert (row["stop_count"], row["visited_count"], row["first_day"]) == (2, 1, timezone.localdate().isoformat())
    assert [(stop["order"], stop["name"], stop["visited"], stop["state"]) for stop in row["stops"]] == [
        (1, "西三", False, "due"),
        (2, "西一", True, "visited"),
    ]


def test_a_date_filter_that_is_not_a_date_is_a_400(world, west_inspector, client_for):
    answer = client_for(west_inspector).get("/api/rounds/?date=tomorrow")
    assert answer.status_code == 400
    assert "YYYY-MM-DD" in str(answer.json())


def test_others_see_none_of_the_rounds_and_rectifiers_are_refused(world, west_spots, west_inspector, client_for):
    round_ = _round(world, west_inspector, west_spots)
    assert client_for(world.users.east_inspector).get("/api/rounds/").json()["results"] == []
    assert client_for(world.users.east_inspector).get(f"/api/rounds/{round_.pk}/").status_code == 404
    assert client_for(world.users.rectifier).get("/api/rounds/").status_code == 403
    manager = client_for(world.users.west_manager).get("/api/rounds/?date=" + timezone.localdate().isoformat())
    assert [row["id"] for row in manager.json()["results"]] == [round_.pk]


def test_current_campaigns_come_with_the_phase_running_on_the_servers_date(world, phase, client_for):
    from inspections.models import Campaign

    Campaign.objects.create(name="去年", starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 12, 31))
    rows = client_for(world.users.inspector).get("/api/campaigns/?current=true").json()
    assert [row["id"] for row in rows] == [phase.campaign_id]
    assert rows[0]["current_phase"]["id"] == phase.pk
    others = client_for(world.users.inspector).get("/api/campaigns/?current=false").json()
    assert [row["name"] for row in others] == ["去年"]
    assert others[0]["current_phase"] is None
    assert client_for(world.users.inspector).get("/api/campaigns/?current=maybe").status_code == 400
