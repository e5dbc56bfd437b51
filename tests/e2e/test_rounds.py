"""Rounds on the tablet (800×1280, portrait): today's round comes first with its order and progress, an
inspection moves its hotspot to visited, and the manager's coverage list shows the hotspot left unvisited."""

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from inspections.evidence.problem_types import ensure_default_problem_types
from inspections.models import Inspection
from inspections.rounds.services import RoundInput, round_create
from tests.conftest import make_world
from tests.e2e import geolocation
from tests.e2e.conftest import tablet_page
from tests.factories import HotspotFactory, UserFactory, running_phase

pytestmark = pytest.mark.django_db(transaction=True)

PORTRAIT = {"width": 800, "height": 1280}


@pytest.fixture
def page(browser, live_server, transactional_db):
    for page in tablet_page(browser, live_server):
        page.set_viewport_size(PORTRAIT)
        yield page


@pytest.fixture
def planned():
    """The small test district, a phase running today, and today's round of a west inspector: two hotspots, the
    farther first, while a third hotspot of the area stays outside the round."""
    world = make_world()
    ensure_default_problem_types()
    running_phase()
    inspector = UserFactory(username="west_walker", role=Role.INSPECTOR, jurisdiction=world.west)
    manager = world.users.west_manager
    near = HotspotFactory(name="西街口", geometry=Point(116.2121, 39.8520, srid=4326))
    far = HotspotFactory(name="西苑小区", geometry=Point(116.2060, 39.8470, srid=4326))
    HotspotFactory(name="西侧绿地", geometry=Point(116.2100, 39.8500, srid=4326))
    round_create(
        user=manager,
        data=RoundInput(
            title="西社区今日巡查",
            jurisdiction=world.west,
            inspectors=[inspector],
            hotspots=[far, near],
            day=timezone.localdate(),
        ),
    )
    return {"inspector": inspector, "manager": manager, "near": near, "far": far}


def test_todays_round_comes_first_and_an_inspection_moves_it_to_visited(page, planned, sign_in, screenshot):
    near, far = planned["near"], planned["far"]
    geolocation.set_position(page.context, latitude=near.geometry.y, longitude=near.geometry.x)
    sign_in("west_walker", "pw")
    page.goto("/m/")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("body[data-offline-ready=true]")).to_be_attached()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    round_ = page.locator("[data-testid=round]")
    expect(round_).to_be_visible()
    expect(round_.locator("[data-testid=round-progress]")).to_have_text("已巡查 0 · 剩余 2")
    stops = round_.locator("a.hotspot-row")
    # The visiting order, not the distance: the farther hotspot is the first stop.
    expect(stops).to_have_count(2)
    expect(stops.nth(0)).to_have_attribute("data-hotspot", str(far.pk))
    expect(stops.nth(0).locator(".stop-order")).to_have_text("1")
    # The rest of the area's hotspots are still there, below.
    expect(page.locator("[data-testid=hotspot-list] a.hotspot-row")).to_have_count(1)
    box_round = round_.bounding_box()
    box_rest = page.locator("[data-testid=hotspot-list]").bounding_box()
    assert box_round["y"] < box_rest["y"]
    screenshot("tablet-round")

    stops.nth(1).click()
    expect(page.locator("[data-testid=hotspot-detail] h1")).to_have_text(near.name)
    page.locator("[data-testid=start-inspection]").click()
    expect(page.locator("[data-testid=inspection-form]")).to_be_visible()
    page.locator("[data-testid=submit-inspection]").click()
    expect(page.locator("[data-testid=hotspot-detail]")).to_be_visible()
    page.locator("[data-tab=hotspots]").click()
    expect(round_.locator("[data-testid=round-progress]")).to_have_text("已巡查 1 · 剩余 1")
    expect(round_.locator(f"li[data-stop-state=visited] a[data-hotspot='{near.pk}']")).to_be_visible()
    expect(page.locator("body[data-outbox-count='0']")).to_be_attached(timeout=40_000)
    assert Inspection.objects.filter(hotspot=near, inspector=planned["inspector"]).count() == 1

    # The manager's coverage list: the stop nobody visited, not the one just inspected.
    page.context.clear_cookies()
    sign_in(planned["manager"].username, "pw")
    page.goto("/rounds/coverage/")
    rows = page.locator("[data-testid=unvisited] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-hotspot", str(far.pk))
    expect(rows.first).to_contain_text(far.name)
