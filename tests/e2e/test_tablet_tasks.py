"""The tablet app (/m/) for a rectification unit, in headless Chromium at 10" tablet size: the unit's tasks by
deadline and by distance, a task with its before-photos and navigation, a check-in refused outside the site, and a
fix done offline (check-in, after-photo, submit) that survives a reload and reaches the server once."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from geo.models import Hotspot
from inspections.evidence.problem_types import ensure_default_problem_types
from inspections.models import Photo, PhotoRole, Severity, Task, TaskEvent, TaskStatus
from inspections.rectification.tasks import MoveInput, task_transition
from mobile_forms.models import SyncRefusal
from tests.e2e import geolocation
from tests.e2e.conftest import LANDSCAPE, tablet_page
from tests.factories import running_phase
from tests.inspections.conftest import photo_bytes
from tests.inspections.task_builders import report

pytestmark = pytest.mark.django_db(transaction=True)

# Metres → degrees at Wanping's latitude, roughly.
METRE_LAT = 1 / 111_320
METRE_LON = 1 / 85_500


def offset(point: Point, *, east_m: float = 0, north_m: float = 0) -> tuple[float, float]:
    return point.x + east_m * METRE_LON, point.y + north_m * METRE_LAT


@pytest.fixture
def page(browser, live_server, transactional_db):
    yield from tablet_page(browser, live_server)


@pytest.fixture
def rectification_day(demo):
    """Three tasks of the demo rectifier's unit, from the demo inspector's findings: one to fix now, one overdue
    (its deadline set an hour ago) and one the unit has already accepted."""
    ensure_default_problem_types()
    phase = running_phase("创建首都文明区 · 整改测试", "Capital civilized district · rectification test")
    users = get_user_model().objects.in_bulk(["inspector", "rectifier"], field_name="username")
    inspector, rectifier = users["inspector"], users["rectifier"]
    hotspots = [
        h
        for h in Hotspot.objects.filter(active=True, sponsoring_unit=rectifier.unit).order_by("pk")
        if h.geometry.geom_type == "Point"
    ]
    assert len(hotspots) >= 3, "the demo rectifier's unit sponsors point hotspots"
    main = report(
        inspector,
        phase,
        hotspot=hotspots[0],
        problem_type="exposed_garbage",
        severity=Severity.MAJOR,
        description="垃圾桶满溢，周边有暴露垃圾",
        seed=61,
    )
    overdue = report(
        inspector,
        phase,
        hotspot=hotspots[1],
        problem_type="safety_hazard",
        severity=Severity.SEVERE,
        description="井盖缺失，行人易跌落",
        seed=62,
    )
    accepted = report(
        inspector,
        phase,
        hotspot=hotspots[2],
        problem_type="exposed_garbage",
        severity=Severity.MINOR,
        description="绿地内散落塑料袋",
        seed=63,
    )
    task_transition(user=rectifier, task_id=accepted.pk, data=MoveInput(action="accept", note="已安排保洁"))
    Task.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    for task in (main, overdue, accepted):
        task.refresh_from_db()
        assert task.unit == rectifier.unit and task.due_at is not None
    assert main.status == TaskStatus.DISPATCHED and overdue.due_at < timezone.now()
    return {"main": main, "overdue": overdue, "accepted": accepted, "rectifier": rectifier}


def stand(page, lon, lat, accuracy=8):
    geolocation.set_position(page.context, latitude=lat, longitude=lon, accuracy=accuracy)


def hide_toast(page):
    """A screenshot for the README without the passing message (it fades in 0.2 s)."""
    page.evaluate("document.getElementById('toast').className = 'toast'")
    page.wait_for_timeout(400)


def open_app(page, sign_in):
    sign_in("rectifier")
    page.goto("/m/")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("body[data-offline-ready=true]")).to_be_attached()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_a_rectifier_fixes_a_task_offline_it_arrives_once_and_a_manager_verifies_it(
    page, rectification_day, sign_in, screenshot
):
    main, overdue = rectification_day["main"], rectification_day["overdue"]
    near = offset(main.location, east_m=8, north_m=6)
    stand(page, *near)
    open_app(page, sign_in)

    # Home: the unit's tasks, earliest deadline first, the overdue one highlighted; the map shows them.
    rows = page.locator("a.task-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_have_attribute("data-task", str(overdue.pk))
    expect(rows.first.locator("[data-testid=overdue]")).to_be_visible()
    expect(page.locator("body[data-tasks-on-map='3']")).to_be_attached()
    expect(page.locator(".leaflet-overlay-pane path").first).to_be_visible()  # the unit's service area
    # Nearest first: the task where the rectifier stands.
    page.locator(".task-controls [data-value=distance]").click()
    expect(rows.first).to_have_attribute("data-task", str(main.pk))
    expect(page.locator("[data-testid=position-line]")).to_contain_text("±8")
    hide_toast(page)
    screenshot("tablet-tasks")

    rows.first.click()
    detail = page.locator("[data-testid=task-detail]")
    expect(detail).to_have_attribute("data-task", str(main.pk))
    expect(detail.locator("h1")).to_have_text("暴露垃圾")
    expect(detail).to_contain_text("垃圾桶满溢，周边有暴露垃圾")
    expect(detail.locator("[data-testid=before-photos] img")).to_have_count(1)
    lon, lat = main.location.x, main.location.y
    expect(detail.locator("[data-testid=navigate-geo]")).to_have_attribute(
        "href", re.compile(rf"^geo:{lat:.6f},{lon:.6f}")
    )
    expect(detail.locator("[data-testid=navigate-amap]")).to_have_attribute(
        "href", re.compile(rf"^https://uri\.amap\.com/marker\?position={lon:.6f},{lat:.6f}&name=.+&coordinate=wgs84")
    )
    expect(detail.locator("[data-testid=task-trail] li")).to_have_count(1)  # registered and dispatched

    # Accepted with a connection: the move goes through the outbox to the server at once.
    detail.locator("[data-move=accept]").click()
    expect(detail).to_have_attribute("data-status", "accepted")
    expect(page.locator("body[data-outbox-count='0']")).to_be_attached()
    expect(detail.locator("[data-testid=task-trail] li")).to_have_count(2)
    expect(detail.locator("[data-move=check_in]")).to_be_visible()

    # Arriving 300 m away: the server refuses, and says how far.
    stand(page, *offset(main.location, east_m=300))
    detail.locator("[data-move=check_in]").click()
    refused = detail.locator("[data-testid=task-pending] [data-move=check_in][data-status=refused]")
    expect(refused).to_be_visible()
    kept = SyncRefusal.objects.get(item_type="task_move")  # nothing recorded: the refusal is kept for managers
    assert re.search(r"(?<!\d)2\d\d(?!\d)", kept.reason), kept.reason  # about 250 m outside the 50 m circle
    expect(refused).to_contain_text(kept.reason)
    assert not TaskEvent.objects.filter(task=main, action="check_in").exists()
    refused.locator("[data-action=discard]").click()
    page.locator("[data-testid=confirm-dialog] .button.danger").click()
    expect(detail.locator("[data-testid=task-pending]")).to_have_count(0)

    # On site, without a connection: arrive, photograph the fix, submit.
    stand(page, *near)
    page.context.set_offline(True)
    expect(page.locator("body[data-online=false]")).to_be_attached()
    detail.locator("[data-move=check_in]").click()
    expect(detail.locator("[data-testid=task-pending] [data-move=check_in]")).to_have_attribute("data-status", "queued")
    expect(detail.locator("[data-move=submit]")).to_be_disabled()  # no after-photo yet
    fixed = photo_bytes(lat=near[1], lon=near[0], hours_ago=0.02, seed=64, size=(1600, 1200))
    detail.locator("[data-testid=after-camera]").set_input_files(
        {"name": "IMG_0420.jpg", "mimeType": "image/jpeg", "buffer": fixed}
    )
    expect(detail.locator("[data-testid=after-photos] img")).to_have_count(1)
    expect(detail.locator("[data-move=submit]")).to_be_enabled()
    hide_toast(page)
    page.locator("#pane-list").evaluate("pane => pane.scrollTo(0, 0)")
    screenshot("tablet-task")
    detail.locator("[data-move=submit]").click()
    page.locator("[data-testid=form-dialog] textarea").fill("垃圾已清运，地面已冲洗")
    page.locator("[data-testid=dialog-confirm]").click()
    expect(detail).to_have_attribute("data-status", "submitted")
    expect(detail.locator("[data-testid=no-moves]")).to_contain_text("等待创建办核查")  # what happens next
    assert page.locator("body").get_attribute("data-outbox-count") == "3"  # check-in, photo, submit

    # Reloaded without a connection: the task, its before-photo and the queued work are all still there.
    page.reload()
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(detail).to_have_attribute("data-status", "submitted")
    expect(detail.locator("[data-testid=before-photos] img")).to_have_count(1)
    thumbnails = "[...document.querySelectorAll('[data-testid=before-photos] img')]"
    page.wait_for_function(f"() => {thumbnails}.every(img => img.complete && img.naturalWidth > 0)")
    expect(detail).to_contain_text("垃圾桶满溢，周边有暴露垃圾")
    assert page.locator("body").get_attribute("data-outbox-count") == "3"
    page.locator("[data-testid=outbox-tab]").click()
    waiting = page.locator("[data-testid=outbox-waiting]")
    expect(waiting.locator(f"[data-kind=task_move][data-task='{main.pk}']")).to_have_count(2)
    expect(waiting.locator("[data-move=submit]")).to_have_attribute("data-status", "blocked")  # after its photo
    expect(waiting.locator("[data-kind=photo]")).to_have_count(1)
    main.refresh_from_db()
    assert main.status == TaskStatus.ACCEPTED

    # The connection returns: photo first, then the moves; the outbox empties by itself.
    page.context.set_offline(False)
    expect(page.locator("body[data-outbox-count='0']")).to_be_attached(timeout=40_000)
    expect(page.locator("[data-testid=outbox-sent] [data-kind=task_move]")).to_have_count(3)

    main.refresh_from_db()
    assert main.status == TaskStatus.SUBMITTED and main.checked_in_at is not None
    moves = list(TaskEvent.objects.filter(task=main, actor=rectification_day["rectifier"]).order_by("at", "pk"))
    assert [event.action for event in moves] == ["accept", "check_in", "submit"]
    check_in, submit = moves[1], moves[2]
    assert check_in.position.distance(Point(*near, srid=4326)) < 1e-6 and check_in.accuracy_m == pytest.approx(8)
    assert TaskEvent.objects.filter(task=main, action="submit").count() == 1
    assert submit.note == "垃圾已清运，地面已冲洗"
    after = Photo.objects.get(finding=main.finding, role=PhotoRole.AFTER)
    assert list(submit.photos.all()) == [after]
    with after.file.original.open("rb") as handle:
        assert handle.read() == fixed
    assert after.device_position is not None and after.device_accuracy_m == pytest.approx(8)

    # Back on the task: the server's state, with the moves in the trail.
    page.goto(f"/m/#/task/{main.pk}")
    expect(detail).to_have_attribute("data-status", "submitted")
    expect(detail.locator("[data-testid=task-trail] li")).to_have_count(4)
    assert page.viewport_size == LANDSCAPE

    # At the office, a manager sees the fix beside the problem in the verification queue and verifies it.
    office = page.context.browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    office.set_default_timeout(20_000)
    desk = office.new_page()
    desk.goto(f"{live_url(page)}/accounts/login/")
    desk.fill("#id_username", "manager")
    desk.fill("#id_password", "wenming2026")
    desk.click("button[type=submit]")
    desk.wait_for_url("**/")
    desk.goto(f"{live_url(page)}/tasks/?queue=verification")
    card = desk.locator(f"[data-testid=verification-queue] [data-task='{main.pk}']")
    expect(card.locator(".before-after section")).to_have_count(2)
    expect(card.locator("img")).to_have_count(2)  # the inspector's before-photo, the rectifier's after-photo
    card.locator("[data-testid=verify]").click()
    desk.wait_for_load_state("load")
    expect(desk.locator(".messages .success")).to_be_visible()
    office.close()
    main.refresh_from_db()
    assert main.status == TaskStatus.VERIFIED
    verify = TaskEvent.objects.get(task=main, action="verify")
    assert verify.actor.username == "manager" and verify.from_status == TaskStatus.SUBMITTED


def live_url(page) -> str:
    return re.match(r"https?://[^/]+", page.url).group(0)


def test_a_rectifier_asks_for_more_time_and_returns_a_task_that_is_not_theirs(page, rectification_day, sign_in):
    accepted, overdue = rectification_day["accepted"], rectification_day["overdue"]
    stand(page, *offset(accepted.location, north_m=20))
    open_app(page, sign_in)
    detail = page.locator("[data-testid=task-detail]")
    dialog = page.locator("[data-testid=form-dialog]")

    # More time: a new day after the deadline, and why; the deadline becomes that day's end of business.
    page.locator(f"a.task-row[data-task='{accepted.pk}']").click()
    expect(detail).to_have_attribute("data-status", "accepted")
    detail.locator("[data-move=request_extension]").click()
    wanted = timezone.localtime(accepted.due_at).date() + dt.timedelta(days=7)
    dialog.locator("input[type=date]").fill(wanted.isoformat())
    dialog.locator("[data-testid=dialog-confirm]").click()
    expect(dialog.locator("[data-field=note]")).to_have_class(re.compile("has-error"))  # the reason is required
    dialog.locator("textarea").fill("需协调物业清运车辆")
    dialog.locator("[data-testid=dialog-confirm]").click()
    expect(detail).to_have_attribute("data-status", "extension_requested")
    expect(page.locator("body[data-outbox-count='0']")).to_be_attached()
    accepted.refresh_from_db()
    assert accepted.status == TaskStatus.EXTENSION_REQUESTED
    assert timezone.localtime(accepted.requested_due_at).replace(tzinfo=None) == dt.datetime.combine(
        wanted, dt.time(18, 0)
    )
    # The manager decides now; meanwhile the unit may only say the task is not theirs.
    expect(detail.locator("[data-testid=moves] [data-move]")).to_have_count(1)
    expect(detail.locator("[data-testid=moves] [data-move]")).to_have_attribute("data-move", "return")

    # Not ours: returned with the reason, and off the unit's to-do list.
    page.locator("a.back").click()
    page.locator(f"a.task-row[data-task='{overdue.pk}']").click()
    detail.locator("[data-move=return]").click()
    dialog.locator("textarea").fill("井盖属于市政管线单位，非本社区")
    dialog.locator("[data-testid=dialog-confirm]").click()
    expect(detail).to_have_attribute("data-status", "returned")
    expect(page.locator("body[data-outbox-count='0']")).to_be_attached()
    overdue.refresh_from_db()
    assert overdue.status == TaskStatus.RETURNED and overdue.return_count == 1
    event = TaskEvent.objects.get(task=overdue, action="return")
    assert event.note == "井盖属于市政管线单位，非本社区" and event.position is not None
    page.locator("a.back").click()
    expect(page.locator("a.task-row")).to_have_count(2)
    page.locator(".task-controls [data-value=all]").click()
    expect(page.locator("a.task-row")).to_have_count(3)


def test_arriving_on_site_shows_it_is_locating_then_the_reason_or_the_accuracy_and_a_retry_succeeds(
    page, rectification_day, sign_in, screenshot
):
    accepted = rectification_day["accepted"]
    near = offset(accepted.location, east_m=5, north_m=-4)
    stand(page, *near)
    open_app(page, sign_in)
    page.locator(f"a.task-row[data-task='{accepted.pk}']").click()
    detail = page.locator("[data-testid=task-detail]")
    expect(detail).to_have_attribute("data-status", "accepted")
    check_in = detail.locator("[data-testid=moves] [data-move=check_in]")
    feedback = detail.locator("[data-testid=move-locating]")

    # No fix yet (the tablet is still looking for satellites): it says so, and the button waits.
    geolocation.hold_position(page.context)
    check_in.click()
    expect(feedback).to_have_attribute("data-state", "locating")
    expect(feedback).to_contain_text("正在定位（最长 15 秒）")
    expect(check_in).to_be_disabled()
    hide_toast(page)
    screenshot("tablet-check-in")

    # Location blocked: the reason, what it is needed for, and a retry; nothing is queued.
    geolocation.fail_position(page.context, code=1)
    expect(feedback).to_have_attribute("data-state", "failed")
    expect(feedback).to_contain_text("本应用的定位权限被禁止")
    expect(feedback).to_contain_text("到场签到需要您的位置")
    expect(check_in).to_be_enabled()
    expect(detail.locator("[data-testid=task-pending] [data-move=check_in]")).to_have_count(0)

    # Allowed again, the retry locates (it says so while it waits), shows the accuracy and checks in.
    geolocation.hold_position(page.context)
    feedback.locator("[data-testid=locating-retry]").click()
    expect(feedback).to_contain_text("正在定位")
    geolocation.set_position(page.context, latitude=near[1], longitude=near[0], accuracy=12)
    expect(feedback).to_have_attribute("data-state", "found")
    expect(feedback).to_contain_text("已定位（±12 米）")
    expect(detail).to_have_attribute("data-status", "in_progress")
    expect(page.locator("body[data-outbox-count='0']")).to_be_attached()
    event = TaskEvent.objects.get(task=accepted, action="check_in")
    assert event.accuracy_m == pytest.approx(12)
    assert event.position.distance(Point(*near, srid=4326)) < 1e-6
