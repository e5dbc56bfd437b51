"""A manager verifies a fix in a real browser: the verification queue with before | after, then the task's page."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from geo.models import Hotspot
from inspections.evidence.inspections import hotspot_anchor
from inspections.models import Task, TaskStatus
from tests.factories import running_phase
from tests.inspections.task_builders import report, submit_fix

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fixes(demo):
    """Two fixes the demo rectifier's unit submitted on its sponsored hotspots, and one task still dispatched."""
    users = get_user_model().objects
    inspector, rectifier = users.get(username="inspector"), users.get(username="rectifier")
    phase = running_phase(
        "创建首都文明区 · 城市清洁日（测试）", "Capital civilized district · city cleaning day (test)"
    )
    hotspots = list(Hotspot.objects.filter(sponsoring_unit=rectifier.unit, active=True).order_by("pk")[:3])
    assert len(hotspots) == 3, "the demo rectifier's unit sponsors hotspots"
    tasks = []
    problems = ["exposed_garbage", "safety_hazard", "exposed_garbage"]
    for index, (hotspot, problem) in enumerate(zip(hotspots, problems, strict=True)):
        anchor = hotspot_anchor(hotspot)
        task = report(
            inspector,
            phase,
            lon=anchor.x,
            lat=anchor.y,
            hotspot=hotspot,
            problem_type=problem,
            description=f"{hotspot.name}：发现问题，请尽快整改。",
            before_photos=2 if index == 0 else 1,
            seed=60 + index,
        )
        if index < 2:
            submit_fix(rectifier, task, seed=70 + index)
        tasks.append(task)
    return tasks


def test_manager_verifies_a_fix_from_the_queue_and_reviews_the_task(page, fixes, sign_in, screenshot):
    first, _second, dispatched = fixes
    sign_in("manager")
    page.locator("nav.topnav a[href='/tasks/']").click()
    page.wait_for_url("**/tasks/")
    queue = page.locator("[data-testid=verification-queue]")
    cards = queue.locator("[data-testid=task]")
    expect(cards).to_have_count(2)
    expect(page.locator("[data-queue=verification] .tab-count")).to_have_text("2")

    card = queue.locator(f"[data-task='{first.pk}']")
    images = card.locator("img")
    expect(images).to_have_count(3)  # two before, one after
    page.wait_for_function(
        "() => [...document.querySelectorAll('.verify-card img')].every((img) => img.complete && img.naturalWidth > 0)"
    )
    before_box = card.locator(".before-after section").nth(0).bounding_box()
    after_box = card.locator(".before-after section").nth(1).bounding_box()
    assert before_box["x"] < after_box["x"] and abs(before_box["y"] - after_box["y"]) < 5, "side by side"
    screenshot("tasks-verification")

    # Rejecting needs a reason: the browser keeps the form until one is given.
    card.locator("[data-testid=reject]").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    assert Task.objects.get(pk=first.pk).status == TaskStatus.SUBMITTED

    card.locator("[data-testid=verify]").click()
    page.wait_for_load_state("load")
    expect(page.locator(".messages .success")).to_be_visible()
    expect(queue.locator("[data-testid=task]")).to_have_count(1)
    expect(page.locator("[data-queue=verification] .tab-count")).to_have_text("1")
    assert Task.objects.get(pk=first.pk).status == TaskStatus.VERIFIED

    page.goto(f"/tasks/{first.pk}/")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", TaskStatus.VERIFIED)
    expect(page.locator("[data-testid=before-photos] [data-testid=photo]")).to_have_count(2)
    expect(page.locator("[data-testid=after-photos] [data-testid=photo]")).to_have_count(1)
    expect(page.locator("[data-testid=event]")).to_have_count(5)  # register, accept, start, submit, verify
    expect(page.locator("[data-testid=task-map][data-ready=true]")).to_be_attached()
    expect(page.locator("#task-map path.geofence")).to_have_count(1)
    expect(page.locator("#task-map .after-marker")).to_have_count(1)
    expect(page.locator("[data-testid=moves] form[data-action=close]")).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.before-after img')].every((img) => img.complete && img.naturalWidth > 0)"
    )
    screenshot("task-detail")

    page.locator("[data-testid=move-close]").click()
    page.wait_for_load_state("load")
    expect(page.locator(".messages .success")).to_be_visible()
    assert Task.objects.get(pk=first.pk).status == TaskStatus.CLOSED
    assert Task.objects.get(pk=dispatched.pk).status == TaskStatus.DISPATCHED
