"""The task list's queues per role and area (verification, triage, unassigned, overdue, a unit's to-do, all), their
counts, rows, filters and pagination."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from accounts.models import Role
from geo.services import unit_save
from inspections.models import Task, TaskStatus
from tests.factories import UserFactory
from tests.inspections.task_builders import report, submit_fix
from tests.inspections.web.tasks.pages import LIST, WEST, get, shown, tab_count

pytestmark = pytest.mark.django_db


def test_managers_have_all_queues_with_counts_and_start_with_verification(
    client, world, submitted, triage_task, returned_task
):
    page = get(client, world.users.manager)
    queues = ["verification", "triage", "unassigned", "to_close", "overdue", "all"]
    assert re.findall(r'data-queue="(\w+)"', page) == queues
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


@pytest.mark.parametrize("value", ["²", str(2**70), "-" + str(2**70)])
def test_filters_with_values_no_id_can_have_show_the_page_with_the_error(client, world, west_task, value):
    client.force_login(world.users.manager)
    response = client.get(LIST, {"queue": "all", "unit": value, "jurisdiction": value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
