"""Every move posted from the task pages goes through the workflow service: where it sends the person next, the
notes and deadlines it records, and the refusals shown on the page."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from inspections.models import Task, TaskEvent, TaskStatus
from tests.factories import UnitFactory
from tests.inspections.task_builders import move
from tests.inspections.web.tasks.pages import detail, get, post, shown, status_of

pytestmark = pytest.mark.django_db


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
