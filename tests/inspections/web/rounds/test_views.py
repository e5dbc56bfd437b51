"""The rounds pages: a manager plans a round in their area (a community expanded into its hotspots), reorders its
stops and sees the coverage; the choices offered are their area's; inspectors and other areas' managers get
nothing."""

import pytest
from django.utils import timezone

from accounts.models import Role
from inspections.models import Round
from inspections.rounds.services import RoundInput, round_create
from tests.factories import UserFactory
from tests.inspections.rounds.builders import visit

pytestmark = pytest.mark.django_db


def _form(world, inspector, **extra):
    return {
        "title": "西社区巡查",
        "jurisdiction": world.west.pk,
        "day": timezone.localdate().isoformat(),
        "inspectors": [inspector.pk],
        **extra,
    }


def test_a_manager_plans_a_round_by_community_and_reorders_it(client, world, west_spots, west_inspector):
    client.force_login(world.users.west_manager)
    answer = client.post("/rounds/new/", _form(world, west_inspector, communities=[world.west.pk]))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    round_ = Round.objects.get()
    assert [stop.hotspot.name for stop in round_.stops.all()] == ["西一", "西二", "西三"]
    page = client.get(f"/rounds/{round_.pk}/")
    assert page.status_code == 200 and "西二" in page.content.decode()
    last = round_.stops.get(order=3)
    assert client.post(f"/rounds/{round_.pk}/stops/{last.pk}/move/", {"direction": "up"}).status_code == 302
    assert [stop.hotspot.name for stop in round_.stops.all()] == ["西一", "西三", "西二"]


def test_the_form_offers_only_the_managers_area(client, world, west_spots, west_inspector):
    client.force_login(world.users.west_manager)
    form = client.get("/rounds/new/").context["form"]
    assert world.stall not in form.fields["hotspots"].queryset
    assert world.users.east_inspector not in form.fields["inspectors"].queryset
    assert west_inspector in form.fields["inspectors"].queryset
    assert world.east not in form.fields["communities"].queryset
    refused = client.post("/rounds/new/", _form(world, west_inspector, hotspots=[world.stall.pk]))
    assert refused.status_code == 400
    assert not Round.objects.exists()


def test_coverage_lists_the_stops_not_visited(client, world, phase, west_spots, west_inspector):
    round_create(
        user=world.users.west_manager,
        data=RoundInput(
            title="巡查",
            jurisdiction=world.west,
            inspectors=[west_inspector],
            hotspots=west_spots[:2],
            day=timezone.localdate(),
        ),
    )
    visit(west_inspector, phase, west_spots[0])
    client.force_login(world.users.west_manager)
    text = client.get("/rounds/coverage/").content.decode()
    assert "西三" in text and "西一" not in text
    assert client.get("/rounds/coverage/?start=2026-02-02&end=2026-02-01").status_code == 400


@pytest.mark.parametrize("who", ["inspector", "volunteer", "rectifier"])
def test_only_managers_open_the_pages(client, world, who):
    client.force_login(getattr(world.users, who))
    for url in ("/rounds/", "/rounds/new/", "/rounds/coverage/"):
        assert client.get(url).status_code == 403


def test_another_areas_manager_cannot_open_or_change_a_round(client, world, west_spots, west_inspector):
    round_ = round_create(
        user=world.users.west_manager,
        data=RoundInput(
            title="巡查",
            jurisdiction=world.west,
            inspectors=[west_inspector],
            hotspots=west_spots,
            day=timezone.localdate(),
        ),
    )
    client.force_login(UserFactory(username="east_mgr", role=Role.MANAGER, jurisdiction=world.east))
    assert client.get(f"/rounds/{round_.pk}/").status_code == 404
    assert client.post(f"/rounds/{round_.pk}/delete/").status_code == 404
    assert Round.objects.filter(pk=round_.pk).exists()
