"""The task pages: each queue per role and area, the task page with its evidence and trail, and every move a
person makes there going through the workflow service (refusals shown on the page)."""

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from geo.services import unit_save
from inspections.models import Task, TaskEvent, TaskStatus
from tests.factories import UnitFactory, UserFactory
from tests.inspections.task_builders import as_dispatched_in_an_undescribed_year, move, photo, report, submit_fix

pytestmark = pytest.mark.django_db

LIST = "/tasks/"
# In the west community, on no hotspot, outside the property manager's compound: the west committee's.
WEST = (116.2102, 39.8452)
# In the east community, away from the school and the plot: the east committee's.
EAST = (116.2320, 39.8460)


def detail(task) -> str:
    return f"{LIST}{task.pk}/"


def shown(page: str) -> set[str]:
    """The task ids the page lists (rows or verification cards)."""
    return set(re.findall(r'data-task="([0-9a-f-]{36})"', page))


def get(client, user, url=LIST, language="en", **params):
    client.force_login(user)
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def post(client, user, task, language="en", **data):
    client.force_login(user)
    return client.post(detail(task), data, HTTP_ACCEPT_LANGUAGE=language)


def tab_count(page: str, queue: str) -> int:
    match = re.search(rf'data-queue="{queue}".*?<span class="tab-count[^"]*">(\d+)</span>', page, flags=re.S)
    assert match, f"no {queue} tab"
    return int(match.group(1))


def status_of(task) -> str:
    return Task.objects.get(pk=task.pk).status


@pytest.fixture
def west_task(world, phase):
    """Dispatched to the west committee (world.users.rectifier's unit), with one before-photo."""
    return report(world.users.inspector, phase, lon=WEST[0], lat=WEST[1], description="楼道堆物", seed=1)


@pytest.fixture
def east_task(world, phase):
    """Dispatched to the east committee (world.users.east_rectifier's unit)."""
    return report(world.users.inspector, phase, lon=EAST[0], lat=EAST[1], problem_type="illegal_ads", seed=2)


@pytest.fixture
def submitted(world, west_task):
    submit_fix(world.users.rectifier, west_task)
    west_task.refresh_from_db()
    assert west_task.status == TaskStatus.SUBMITTED
    return west_task


@pytest.fixture
def triage_task(world, phase):
    """A volunteer's report waits for triage."""
    return report(world.users.volunteer, phase, lon=EAST[0] + 0.001, lat=EAST[1], seed=3)


@pytest.fixture
def returned_task(world, east_task):
    move(world.users.east_rectifier, east_task, "return", note="不属于本单位，应由物业处理")
    return east_task


# ---------------------------------------------------------------- who may open the pages


def test_the_pages_need_a_sign_in(client, west_task):
    for url in (LIST, detail(west_task)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_volunteers_are_refused(client, world, west_task):
    client.force_login(world.users.volunteer)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(west_task)).status_code == 403
    assert client.post(detail(west_task), {"action": "verify"}).status_code == 403


@pytest.mark.parametrize("role", ["east_inspector", "east_rectifier", "nobody"])
def test_a_task_outside_ones_area_or_unit_is_not_found(client, world, west_task, role):
    user = getattr(world.users, role)
    client.force_login(user)
    assert client.get(detail(west_task)).status_code == 404
    assert client.post(detail(west_task), {"action": "accept"}).status_code == 404
    assert str(west_task.pk) not in shown(get(client, user, queue="all"))


def test_a_manager_of_another_community_cannot_see_or_move_the_task(client, world, east_task):
    client.force_login(world.users.west_manager)
    assert client.get(detail(east_task)).status_code == 404
    assert client.post(detail(east_task), {"action": "void", "note": "x"}).status_code == 404
    assert status_of(east_task) == TaskStatus.DISPATCHED


# ---------------------------------------------------------------- the queues


def test_managers_have_all_queues_with_counts_and_start_with_verification(
    client, world, submitted, triage_task, returned_task
):
    page = get(client, world.users.manager)
    assert re.findall(r'data-queue="(\w+)"', page) == ["verification", "triage", "unassigned", "overdue", "all"]
    assert 'aria-current="page"' in page.split('data-queue="verification"')[1].split("</a>")[0]
    assert shown(page) == {str(submitted.pk)}
    assert tab_count(page, "verification") == 1
    assert tab_count(page, "triage") == 1
    assert tab_count(page, "unassigned") == 1
    assert tab_count(page, "overdue") == 0
    assert tab_count(page, "all") == 3


def test_verification_queue_shows_before_and_after_side_by_side_with_the_buttons(client, world, submitted):
    page = get(client, world.users.manager, queue="verification")
    card = page.split('data-testid="verification-queue"')[1]
    photos = {p.role: p for p in submitted.finding.photos.all()}
    before, after = photos["before"], photos["after"]
    assert card.index(f"/api/photos/{before.pk}/thumbnail/") < card.index(f"/api/photos/{after.pk}/thumbnail/")
    assert f'href="/api/photos/{after.pk}/display/"' in card
    assert 'name="action" value="verify"' in card and 'name="action" value="reject"' in card
    assert re.search(r'<input[^>]*name="note"[^>]*required', card)
    assert "West committee" not in card  # no English name: the Chinese one is shown
    assert "西社区居委会" in card


def test_verification_queue_per_role_and_area(client, world, submitted):
    assert shown(get(client, world.users.inspector, queue="verification")) == {str(submitted.pk)}
    assert shown(get(client, world.users.west_manager, queue="verification")) == {str(submitted.pk)}
    assert shown(get(client, world.users.admin, queue="verification")) == {str(submitted.pk)}
    assert shown(get(client, world.users.east_inspector, queue="verification")) == set()


def test_an_inspector_of_the_fixing_unit_does_not_get_its_fix_to_verify(client, world, submitted):
    colleague = UserFactory(
        username="west_colleague", role=Role.INSPECTOR, unit=world.west_committee, jurisdiction=world.area
    )
    page = get(client, colleague, queue="verification")
    assert shown(page) == set() and "No fix is waiting for verification." in page
    assert shown(get(client, colleague, queue="all")) == {str(submitted.pk)}


def test_inspectors_have_no_triage_or_unassigned_queue(client, world, triage_task, returned_task):
    page = get(client, world.users.inspector, queue="triage")
    assert re.findall(r'data-queue="(\w+)"', page) == ["verification", "overdue", "all"]
    assert 'aria-current="page"' in page.split('data-queue="verification"')[1].split("</a>")[0]
    assert shown(page) == set()


def test_triage_and_unassigned_queues_for_managers(client, world, phase, triage_task, returned_task):
    world.west_committee.active = False
    unit_save(unit=world.west_committee)
    unrouted = report(world.users.inspector, phase, lon=WEST[0], lat=WEST[1] - 0.003, seed=4)
    assert unrouted.status == TaskStatus.UNROUTED
    manager = world.users.manager
    triage = get(client, manager, queue="triage")
    assert shown(triage) == {str(triage_task.pk)}
    unassigned = get(client, manager, queue="unassigned")
    assert shown(unassigned) == {str(returned_task.pk), str(unrouted.pk)}
    assert "Not routed" in unassigned
    # The east community's tasks are not the west manager's to assign.
    assert shown(get(client, world.users.west_manager, queue="unassigned")) == {str(unrouted.pk)}
    assert shown(get(client, world.users.west_manager, queue="triage")) == set()


def test_overdue_queue_highlights_how_long(client, world, west_task, east_task):
    Task.objects.filter(pk=west_task.pk).update(due_at=timezone.now() - dt.timedelta(days=2, hours=3))
    page = get(client, world.users.manager, queue="overdue")
    assert shown(page) == {str(west_task.pk)}
    assert "overdue-row" in page
    assert re.search(r"Overdue by 2\W+days?, 3\W+hours?", page)
    assert tab_count(page, "overdue") == 1
    # The unit sees its own overdue task; the other unit does not.
    assert shown(get(client, world.users.rectifier, queue="overdue")) == {str(west_task.pk)}
    assert shown(get(client, world.users.east_rectifier, queue="overdue")) == set()


def test_rectifiers_see_their_units_tasks_and_the_tablet_app(client, world, west_task, east_task):
    page = get(client, world.users.rectifier)
    assert re.findall(r'data-queue="(\w+)"', page) == ["todo", "overdue", "all"]
    assert shown(page) == {str(west_task.pk)}
    assert 'data-testid="tablet-hint"' in page and 'href="/m/"' in page
    all_page = get(client, world.users.rectifier, queue="all")
    assert shown(all_page) == {str(west_task.pk)}
    assert 'name="unit"' not in all_page  # one unit: no unit filter
    assert shown(get(client, world.users.east_rectifier)) == {str(east_task.pk)}


def test_a_row_has_type_place_unit_status_deadline_and_thumbnails(client, world, phase, west_task):
    on_stall = report(world.users.inspector, phase, lon=116.2301, lat=39.8451, hotspot=world.stall, seed=6)
    page = get(client, world.users.manager, queue="all")
    rows = {task_id: row for row in re.findall(r"<tr data-testid.*?</tr>", page, flags=re.S) for task_id in shown(row)}
    west_row, stall_row = rows[str(west_task.pk)], rows[str(on_stall.pk)]
    assert "Exposed garbage" in west_row and "At 39.84520, 116.21020" in west_row
    assert "西社区居委会" in west_row and "Dispatched" in west_row and "West" in west_row
    assert "东街摊点" in stall_row and "宛平中学" in stall_row
    due = timezone.localtime(west_task.due_at)
    assert due.strftime("%m/%d/%Y") in west_row  # English short date format
    before = west_task.finding.photos.get()
    assert f"/api/photos/{before.pk}/thumbnail/" in west_row and f"/api/photos/{before.pk}/display/" in west_row


def test_all_tasks_filters(client, world, west_task, east_task):
    manager = world.users.manager
    assert shown(get(client, manager, queue="all", status="dispatched")) == {str(west_task.pk), str(east_task.pk)}
    assert shown(get(client, manager, queue="all", unit=world.east_committee.pk)) == {str(east_task.pk)}
    assert shown(get(client, manager, queue="all", jurisdiction=world.west.pk)) == {str(west_task.pk)}
    assert shown(get(client, manager, queue="all", problem_type="illegal_ads")) == {str(east_task.pk)}
    empty = get(client, manager, queue="all", status="closed")
    assert shown(empty) == set() and "No task matches these filters." in empty
    # Only communities and units of one's area are offered.
    page = get(client, world.users.east_inspector, queue="all")
    options = re.search(r'<select name="jurisdiction".*?</select>', page, flags=re.S).group(0)
    assert "East" in options and "West" not in options


def test_the_list_is_paginated_in_a_bounded_number_of_queries(client, world, phase, django_assert_max_num_queries):
    """Session, user, unread notifications, scope, counts, page count, tasks, photos, flags, submissions, their
    photos, the calendar's days of the coming weeks (two years' rows at the turn of a year): 13, for 3 or 27."""
    for i in range(27):
        task = report(world.users.inspector, phase, lon=WEST[0] + 0.0001 * i, lat=WEST[1], seed=20 + i)
        if i < 26:
            submit_fix(world.users.rectifier, task, seed=40 + i)
    client.force_login(world.users.manager)
    with django_assert_max_num_queries(13):
        page = client.get(LIST, {"queue": "verification"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(shown(page)) == 25 and "26 tasks" in page and "Page 1 of 2" in page
    # The filters add their choices: units, communities, problem types.
    with django_assert_max_num_queries(16):
        page = client.get(LIST, {"queue": "all", "page": 2}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(shown(page)) == 2 and "27 tasks" in page


def test_a_bad_queue_falls_back_to_the_first(client, world, submitted):
    page = get(client, world.users.manager, queue="nonsense")
    assert shown(page) == {str(submitted.pk)}


# ---------------------------------------------------------------- one task


def test_the_task_page_shows_finding_photos_map_and_trail(client, world, submitted):
    page = get(client, world.users.manager, detail(submitted))
    assert "Exposed garbage" in page and "楼道堆物" in page
    assert "西社区居委会" in page and "Fix submitted" in page
    before = submitted.finding.photos.get(role="before")
    after = submitted.finding.photos.get(role="after")
    before_side = page.split('data-testid="before-photos"')[1].split("</ul>")[0]
    after_side = page.split('data-testid="after-photos"')[1].split("</ul>")[0]
    assert f"/api/photos/{before.pk}/thumbnail/" in before_side
    assert f"/api/photos/{after.pk}/display/" in after_side and "inside the task's site" in after_side
    assert page.index('data-testid="before-photos"') < page.index('data-testid="after-photos"')
    data = json.loads(re.search(r'id="task-map-data"[^>]*>(.*?)</script>', page, flags=re.S).group(1))
    assert data["radius"] == 50.0
    assert data["finding"]["lon"] == pytest.approx(WEST[0])
    assert [p["id"] for p in data["photos"]] == [str(after.pk)] and data["photos"][0]["outside"] == 0
    assert len(data["moves"]) == 1  # the submission carried the device's position
    actions = re.findall(r'data-testid="event" data-action="(\w+)"', page)
    assert actions == ["register", "accept", "start", "submit"]
    trail = page.split('data-testid="trail"')[1]
    assert trail.count(f"/api/photos/{after.pk}/thumbnail/") == 1
    assert "Inspector" in page and world.users.inspector.username in page


def test_the_trail_says_why_a_deadline_came_late_and_when_it_counts_from(client, world, west_task):
    from zoneinfo import ZoneInfo

    from inspections.models import CalendarDay
    from inspections.rectification.tasks import tasks_deadlines_fill

    when = dt.datetime(2031, 3, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    task = as_dispatched_in_an_undescribed_year(west_task, when)
    page = get(client, world.users.manager, detail(task))
    assert "No deadline: 2031" in page and "none yet" in page
    CalendarDay.objects.create(date=dt.date(2031, 1, 1), name="元旦")
    tasks_deadlines_fill()
    page = get(client, world.users.manager, detail(task))
    assert "Deadline set" in page and "Counted from the dispatch on 03/03/2031 10 a.m." in page
    assert re.findall(r'data-testid="event" data-action="(\w+)"', page).count("deadline") == 1
    zh = get(client, world.users.manager, detail(task), language="zh-hans")
    assert "设定期限" in zh


def test_an_after_photo_outside_the_site_says_how_far(client, world, west_task):
    rectifier = world.users.rectifier
    task = move(rectifier, west_task, "accept")
    photo(rectifier, task, lon=WEST[0] + 0.002, lat=WEST[1], role="after", seed=9)
    page = get(client, world.users.manager, detail(west_task))
    assert re.search(r"1\d\d m outside the task's site", page)


def test_the_manager_gets_the_forms_of_the_moves_the_service_allows(client, world, submitted):
    page = get(client, world.users.manager, detail(submitted))
    forms = re.findall(r'class="move-form[^"]*" data-action="(\w+)"', page)
    assert forms == ["verify", "reject", "defer", "void"]
    assert 'data-testid="tablet-hint"' not in page


def test_the_unit_gets_accept_return_and_a_hint_for_the_tablet(client, world, west_task):
    page = get(client, world.users.rectifier, detail(west_task))
    assert re.findall(r'class="move-form[^"]*" data-action="(\w+)"', page) == ["accept", "return"]
    assert 'data-testid="tablet-hint"' not in page  # nothing field-only yet
    move(world.users.rectifier, west_task, "accept")
    page = get(client, world.users.rectifier, detail(west_task))
    assert re.findall(r'class="move-form[^"]*" data-action="(\w+)"', page) == ["start", "return", "request_extension"]
    assert 'data-testid="tablet-hint"' in page and 'href="/m/"' in page


def test_an_inspector_of_the_area_can_only_verify(client, world, submitted):
    page = get(client, world.users.inspector, detail(submitted))
    assert re.findall(r'class="move-form[^"]*" data-action="(\w+)"', page) == ["verify", "reject"]


# ---------------------------------------------------------------- moves posted from the pages


def test_verify_from_the_queue_returns_to_the_queue(client, world, submitted):
    response = post(client, world.users.manager, submitted, action="verify", next="/tasks/?queue=verification")
    assert response.status_code == 302 and response["Location"] == "/tasks/?queue=verification"
    assert status_of(submitted) == TaskStatus.VERIFIED
    event = TaskEvent.objects.filter(task=submitted).last()
    assert event.action == "verify" and event.actor == world.users.manager
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Done: “Verify the fix”. The task is now “Verified”." in page and shown(page) == set()


def test_a_foreign_next_url_is_not_followed(client, world, submitted):
    response = post(client, world.users.manager, submitted, action="verify", next="https://evil.example/")
    assert response["Location"] == detail(submitted)


def test_reject_needs_a_note_and_records_it(client, world, submitted):
    refused = post(client, world.users.inspector, submitted, action="reject", note="  ")
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Say why (a note is required for “Reject the fix”)." in page
    assert 'data-testid="status" data-status="submitted">Fix submitted<' in page
    assert status_of(submitted) == TaskStatus.SUBMITTED
    done = post(client, world.users.inspector, submitted, action="reject", note="垃圾仍未清走")
    assert done.status_code == 302 and done["Location"] == detail(submitted)
    task = Task.objects.get(pk=submitted.pk)
    assert task.status == TaskStatus.REJECTED and task.rework_count == 1
    assert TaskEvent.objects.filter(task=task, action="reject", note="垃圾仍未清走").exists()


def test_close_after_verification(client, world, submitted):
    move(world.users.inspector, submitted, "verify")
    assert post(client, world.users.manager, submitted, action="close").status_code == 302
    assert status_of(submitted) == TaskStatus.CLOSED
    page = get(client, world.users.manager, detail(submitted))
    assert "There is nothing for you to do on this task now." in page


def test_dispatch_a_returned_task_to_another_unit(client, world, returned_task):
    page = get(client, world.users.manager, detail(returned_task))
    assert "不属于本单位，应由物业处理" in page
    select = re.search(r'<select name="unit"[^>]*>.*?</select>', page, flags=re.S).group(0)
    # The unit that returned it is not offered again by default.
    assert not re.search(r'<option value="\d+" selected', select)
    assert "西苑物业" in select and "required" in select
    response = post(client, world.users.manager, returned_task, action="dispatch", unit=world.property_manager.pk)
    assert response.status_code == 302
    task = Task.objects.get(pk=returned_task.pk)
    assert task.status == TaskStatus.DISPATCHED and task.unit == world.property_manager


def test_dispatch_from_triage_defaults_to_the_routed_unit(client, world, triage_task):
    page = get(client, world.users.manager, detail(triage_task))
    select = re.search(r'<select name="unit"[^>]*>.*?</select>', page, flags=re.S).group(0)
    assert re.search(rf'<option value="{world.east_committee.pk}" selected>', select)
    response = post(client, world.users.manager, triage_task, action="dispatch", unit=world.east_committee.pk)
    assert response.status_code == 302
    task = Task.objects.get(pk=triage_task.pk)
    assert task.status == TaskStatus.DISPATCHED and task.unit == world.east_committee and task.due_at


def test_a_unit_outside_the_managers_area_cannot_be_chosen(client, world, triage_task):
    outside = UnitFactory(name="外区单位", jurisdiction=world.district)
    response = post(client, world.users.manager, triage_task, action="dispatch", unit=outside.pk)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert status_of(triage_task) == TaskStatus.TRIAGE


def test_defer_and_resume(client, world, east_task):
    assert post(client, world.users.manager, east_task, action="defer", note="道路施工，暂缓").status_code == 302
    task = Task.objects.get(pk=east_task.pk)
    assert task.status == TaskStatus.DEFERRED and task.was_deferred
    page = get(client, world.users.manager, detail(east_task))
    assert re.search(rf'<option value="{world.east_committee.pk}" selected>', page)
    response = post(client, world.users.manager, east_task, action="resume", unit=world.east_committee.pk)
    assert response.status_code == 302
    assert status_of(east_task) == TaskStatus.DISPATCHED


def test_void(client, world, east_task):
    assert post(client, world.users.manager, east_task, action="void", note="重复上报").status_code == 302
    assert status_of(east_task) == TaskStatus.VOID
    assert not Task.objects.get(pk=east_task.pk).finding.is_open


def test_the_unit_accepts_starts_and_returns(client, world, west_task):
    rectifier = world.users.rectifier
    assert post(client, rectifier, west_task, action="accept").status_code == 302
    assert status_of(west_task) == TaskStatus.ACCEPTED
    assert post(client, rectifier, west_task, action="start").status_code == 302
    assert status_of(west_task) == TaskStatus.IN_PROGRESS
    assert post(client, rectifier, west_task, action="return", note="").status_code == 400
    assert post(client, rectifier, west_task, action="return", note="属于物业管理范围").status_code == 302
    task = Task.objects.get(pk=west_task.pk)
    assert task.status == TaskStatus.RETURNED and task.return_count == 1


def test_request_approve_and_refuse_an_extension(client, world, west_task):
    rectifier, manager = world.users.rectifier, world.users.manager
    move(rectifier, west_task, "accept")
    due = timezone.localtime(Task.objects.get(pk=west_task.pk).due_at)
    asked_day = due.date() + dt.timedelta(days=7)
    response = post(
        client, rectifier, west_task, action="request_extension", due_on=asked_day.isoformat(), note="需采购材料"
    )
    assert response.status_code == 302
    task = Task.objects.get(pk=west_task.pk)
    requested = timezone.localtime(task.requested_due_at)
    assert task.status == TaskStatus.EXTENSION_REQUESTED
    assert (requested.date(), requested.hour, requested.minute) == (asked_day, 18, 0)

    page = get(client, manager, detail(west_task))
    assert f'value="{requested.strftime("%Y-%m-%dT%H:%M")}"' in page  # prefilled from the request
    assert 'data-testid="requested-deadline"' in page
    assert post(client, manager, west_task, action="refuse_extension", note="").status_code == 400
    assert post(client, manager, west_task, action="refuse_extension", note="期限内可完成").status_code == 302
    task = Task.objects.get(pk=west_task.pk)
    assert task.status == TaskStatus.IN_PROGRESS and task.requested_due_at is None

    post(client, rectifier, west_task, action="request_extension", due_on=asked_day.isoformat(), note="再次申请")
    granted = requested + dt.timedelta(days=1)
    response = post(client, manager, west_task, action="approve_extension", due_at=granted.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 302
    task = Task.objects.get(pk=west_task.pk)
    assert task.status == TaskStatus.IN_PROGRESS and task.extension_count == 1 and task.due_at == granted


def test_an_earlier_deadline_is_refused_with_the_services_message(client, world, west_task):
    move(world.users.rectifier, west_task, "accept")
    due = timezone.localtime(Task.objects.get(pk=west_task.pk).due_at)
    earlier = (due - dt.timedelta(days=1)).date().isoformat()
    response = post(client, world.users.rectifier, west_task, action="request_extension", due_on=earlier, note="x")
    assert response.status_code == 400
    assert "The new deadline must be later than the current one" in response.content.decode()
    assert status_of(west_task) == TaskStatus.ACCEPTED


def test_a_move_in_the_wrong_state_answers_409_with_the_current_state(client, world, west_task):
    response = post(client, world.users.manager, west_task, action="close")
    assert response.status_code == 409
    page = response.content.decode()
    assert "The task is “Dispatched”: it cannot be moved with “Close” now." in page
    assert 'data-testid="status" data-status="dispatched">Dispatched<' in page
    assert status_of(west_task) == TaskStatus.DISPATCHED


def test_a_move_that_is_not_theirs_answers_403_with_the_message(client, world, submitted):
    response = post(client, world.users.rectifier, submitted, action="verify")
    assert response.status_code == 403
    assert "The move “Verify the fix” is not yours to make on this task." in response.content.decode()
    assert status_of(submitted) == TaskStatus.SUBMITTED


@pytest.mark.parametrize("action", ["submit", "check_in", "hold", "%d", ""])
def test_actions_the_page_does_not_offer_are_refused(client, world, west_task, action):
    response = post(client, world.users.rectifier, west_task, action=action)
    assert response.status_code == 400
    assert status_of(west_task) == TaskStatus.DISPATCHED


def test_a_move_the_task_already_made_changes_nothing(client, world, submitted):
    move(world.users.inspector, submitted, "verify")
    response = post(client, world.users.manager, submitted, action="verify")
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing changed: the task already is “Verified”." in page
    assert TaskEvent.objects.filter(task=submitted, action="verify").count() == 1


def test_posting_needs_the_csrf_token(world, submitted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.manager)
    assert client.post(detail(submitted), {"action": "verify"}).status_code == 403
    assert status_of(submitted) == TaskStatus.SUBMITTED


def test_the_task_page_is_read_in_a_bounded_number_of_queries(client, world, submitted, django_assert_max_num_queries):
    client.force_login(world.users.manager)
    with django_assert_max_num_queries(11):  # with the navigation's unread notifications
        assert client.get(detail(submitted)).status_code == 200


# ---------------------------------------------------------------- languages, navigation


def test_pages_in_chinese_and_english(client, world, submitted):
    zh = get(client, world.users.manager, language="zh-hans")
    assert '<html lang="zh-hans">' in zh and "退出登录" in zh
    en = get(client, world.users.manager, language="en")
    assert '<html lang="en">' in en and "To verify" in en and "Verify the fix" in en
    zh_detail = get(client, world.users.manager, detail(submitted), language="zh-hans")
    due = timezone.localtime(submitted.due_at)
    assert f"{due.year}年{due.month}月{due.day}日" in zh_detail
    en_detail = get(client, world.users.manager, detail(submitted), language="en")
    assert "Audit trail" in en_detail and f"{due.day}, {due.year}" in en_detail


def test_navigation_and_home_tiles(client, world):
    manager_home = get(client, world.users.manager, "/")
    assert 'href="/tasks/"' in manager_home.split("</nav>")[0]
    tiles = re.findall(r'<li class="tile[^"]*">\s*<a href="([^"]+)"', manager_home)
    assert tiles[:2] == ["/map/", "/tasks/"]
    inspector_tiles = re.findall(r'<li class="tile[^"]*">\s*<a href="([^"]+)"', get(client, world.users.inspector, "/"))
    assert inspector_tiles.index("/tasks/") == inspector_tiles.index("/inspections/") + 1
    rectifier_home = get(client, world.users.rectifier, "/")
    assert 'href="/tasks/"' in rectifier_home
    volunteer_home = get(client, world.users.volunteer, "/")
    assert 'href="/tasks/"' not in volunteer_home


def test_managers_are_warned_when_the_calendar_does_not_reach_the_coming_deadlines(
    client, world, west_task, monkeypatch
):
    from inspections.models import CalendarDay
    from inspections.web.tasks import views as task_views

    assert 'data-testid="calendar-warning"' not in get(client, world.users.manager)
    # Two years of working days ahead, with the office's days removed, certainly reach a year nobody described.
    CalendarDay.objects.all().delete()
    monkeypatch.setattr(task_views, "CALENDAR_LOOKAHEAD_DAYS", 500)
    page = get(client, world.users.manager)
    warning = re.search(r'data-testid="calendar-warning">(.*?)</p>', page, flags=re.S).group(1)
    assert "does not know" in warning and "Calendar days" in warning
    assert 'data-testid="calendar-warning"' not in get(client, world.users.rectifier)
    # A staff manager who may enter calendar days is sent straight to entering the year.
    from django.contrib.auth.models import Permission

    manager = world.users.manager
    manager.is_staff = True
    manager.save()
    assert '/admin/inspections/calendarday/"' in get(client, manager)
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["add_calendarday", "change_calendarday"]))
    assert "/admin/inspections/calendarday/year/" in get(client, manager)
