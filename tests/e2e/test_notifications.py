"""A unit member sees new tasks in the notification centre: the unread badge, the list, marking all read."""

import datetime as dt
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from geo.models import Hotspot
from inspections.evidence.inspections import FindingInput, InspectionInput, inspection_submit
from inspections.evidence.problem_types import ensure_default_problem_types
from inspections.models import ProblemType
from tests.factories import running_phase

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def new_tasks(demo):
    """Two findings at hotspots the demo rectifier's unit sponsors: two new tasks for the unit."""
    ensure_default_problem_types()
    phase = running_phase("创建首都文明区 · 通知测试", "Capital civilized district · notification test")
    users = get_user_model().objects
    rectifier, inspector = users.get(username="rectifier"), users.get(username="inspector")
    hotspots = list(Hotspot.objects.filter(sponsoring_unit=rectifier.unit, active=True).order_by("pk")[:2])
    assert len(hotspots) == 2
    for hotspot in hotspots:
        problem = ProblemType.objects.filter(categories=hotspot.category, active=True).order_by("sort_order").first()
        inspection_submit(
            user=inspector,
            data=InspectionInput(
                id=uuid.uuid4(),
                phase=phase,
                started_at=timezone.now() - dt.timedelta(minutes=20),
                hotspot=hotspot,
                findings=[FindingInput(id=uuid.uuid4(), problem_type=problem, severity="major")],
            ),
        )
    return hotspots


def test_a_unit_member_reads_the_new_tasks_in_the_notification_centre(page, new_tasks, sign_in, screenshot):
    sign_in("rectifier")
    badge = page.locator("[data-testid=nav-notifications] .nav-badge")
    expect(badge).to_have_text(re.compile(r"2$"))
    page.locator("[data-testid=nav-notifications]").click()
    page.wait_for_url("**/notifications/")
    items = page.locator("[data-testid=notification]")
    expect(items).to_have_count(2)
    expect(items.first).to_have_class(re.compile(r"\bunread\b"))
    expect(items.first).to_contain_text(new_tasks[1].name)
    expect(items.last).to_contain_text(new_tasks[0].name)
    screenshot("notifications")

    page.locator("[data-testid=read-all]").click()
    expect(page.locator("[data-testid=notification].unread")).to_have_count(0)
    expect(badge).to_have_count(0)
