"""Managers in Chinese: overdue escalations in the notification centre, closing (结案) two verified tasks at once,
and an admin without English: its JavaScript widgets, permission names, and its own 关闭 beside the workflow's 结案."""

import datetime as dt
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from geo.models import Hotspot
from inspections.evidence.inspections import FindingInput, InspectionInput, inspection_submit
from inspections.evidence.problem_types import ensure_default_problem_types
from inspections.models import ProblemType, Task, TaskStatus
from inspections.rectification.jobs import reminder_job_run
from tests.factories import running_phase
from tests.inspections.task_builders import move, submit_fix

pytestmark = pytest.mark.django_db(transaction=True)


def users(*names):
    return [get_user_model().objects.get(username=name) for name in names]


@pytest.fixture
def unit_tasks(demo):
    """Two new tasks of the demo rectifier's unit, at two hotspots it sponsors."""
    ensure_default_problem_types()
    phase = running_phase("创建首都文明区 · 督导测试", "Capital civilized district · managers test")
    rectifier, inspector = users("rectifier", "inspector")
    hotspots = list(Hotspot.objects.filter(sponsoring_unit=rectifier.unit, active=True).order_by("pk")[:2])
    tasks = []
    for hotspot in hotspots:
        problem = ProblemType.objects.filter(categories=hotspot.category, active=True).order_by("sort_order").first()
        finding = uuid.uuid4()
        inspection_submit(
            user=inspector,
            data=InspectionInput(
                id=uuid.uuid4(),
                phase=phase,
                started_at=timezone.now() - dt.timedelta(minutes=20),
                hotspot=hotspot,
                findings=[FindingInput(id=finding, problem_type=problem, severity="major")],
            ),
        )
        tasks.append(Task.objects.get(finding_id=finding))
    return tasks


def test_the_managers_notification_centre_lists_the_overdue_escalations(page, unit_tasks, sign_in, screenshot):
    Task.objects.filter(pk__in=[t.pk for t in unit_tasks]).update(due_at=timezone.now() - dt.timedelta(days=2))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert reminder_job_run().overdue == 2

    sign_in("manager")
    expect(page.locator("[data-testid=nav-notifications] .nav-badge")).to_have_text(re.compile(r"2$"))
    page.goto("/notifications/")
    items = page.locator("[data-testid=notification]")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("超期")
    screenshot("manager-overdue-notifications")


def test_a_manager_closes_two_verified_tasks_at_once(page, unit_tasks, sign_in, screenshot):
    rectifier, inspector = users("rectifier", "inspector")
    for seed, task in enumerate(unit_tasks, start=11):
        submit_fix(rectifier, task, seed=seed)
        move(inspector, task, "verify")

    sign_in("manager")
    page.goto("/tasks/?queue=to_close")
    boxes = page.locator("[data-testid=close-choice]")
    expect(boxes).to_have_count(2)
    boxes.nth(0).check()
    boxes.nth(1).check()
    screenshot("tasks-bulk-close")
    page.locator("[data-testid=bulk-close-submit]").click()
    expect(page.locator(".messages")).to_contain_text("已结案 2 项任务。")
    expect(page.locator("[data-testid=empty]")).to_contain_text("没有等待结案")
    assert {t.status for t in Task.objects.filter(pk__in=[t.pk for t in unit_tasks])} == {TaskStatus.CLOSED}


def test_the_chinese_admin_shows_no_english_in_widgets_and_permissions_and_its_own_close(
    page, unit_tasks, sign_in, screenshot
):
    sign_in("admin")
    # The index: every section and model in Chinese, django-axes' included.
    page.goto("/admin/")
    expect(page.locator("#content-main caption", has_text="登录限制")).to_have_count(1)
    expect(page.locator("#content-main th[scope=row] a", has_text="登录尝试")).to_have_count(1)
    english = page.locator("#content-main caption a, #content-main th[scope=row] a").evaluate_all(
        "links => links.map((a) => a.textContent.trim())"
        ".filter((name) => /[A-Za-z]{2,}/.test(name.replace(/Webhook|Open311/, '')))"
    )
    assert english == []
    screenshot("admin-index")
    (manager,) = users("manager")
    page.goto(f"/admin/accounts/user/{manager.pk}/change/")
    chooser = page.locator("#id_user_permissions_add_all")
    expect(chooser).to_have_text("全选用户权限")
    expect(page.locator("#id_user_permissions_from option", has_text="可添加用户")).to_have_count(1)
    assert page.locator("#id_user_permissions_from option", has_text="Can add").count() == 0
    screenshot("admin-user-permissions")

    page.goto(f"/admin/inspections/task/{unit_tasks[0].pk}/change/")
    expect(page.locator("a.closelink")).to_have_text("关闭")
    expect(page.locator(".field-location_display")).to_contain_text("北纬")
    expect(page.locator(".field-location_display .leaflet-container")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text("SRID=4326")
    expect(page.locator("body")).not_to_contain_text("register:")
