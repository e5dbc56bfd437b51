"""The rectification workflow through its service: registration, every move, every refusal, the audit trail."""

import datetime as dt
import threading
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from accounts.models import Role
from inspections.errors import Conflict, MoveForbidden, NotVisible
from inspections.models import CalendarDay, Finding, Task, TaskEvent, TaskOrigin, TaskStatus
from inspections.rectification.tasks import MoveInput, allowed_moves, deadline, task_transition, tasks_deadlines_fill
from inspections.rectification.workdays import WorkCalendar, add_working_days
from inspections.rectification.workflow import MOVES, PUBLIC_ACTIONS, Actor
from tests.databases import file_database
from tests.factories import UserFactory
from tests.inspections.task_builders import after_photo, as_dispatched_in_an_undescribed_year, make_task

SHANGHAI = ZoneInfo("Asia/Shanghai")
INSIDE = (116.2151, 39.8451)  # 12 m from the finding at (116.215, 39.845)
OUTSIDE = (116.2170, 39.8450)  # 171 m east of it


def move(user, task, action, **details):
    return task_transition(user=user, task_id=task.pk, data=MoveInput(action=action, **details))


def reload(task):
    return Task.objects.get(pk=task.pk)


def trail(task):
    return list(TaskEvent.objects.filter(task=task).values_list("action", "from_status", "to_status"))


@pytest.fixture
def users(world):
    return world.users


@pytest.fixture
def task(world, phase):
    return make_task(world, phase)


def work_to_submitted(task, users):
    move(users.rectifier, task, "accept")
    move(users.rectifier, task, "check_in", position=_point(INSIDE))
    photo = after_photo(users.rectifier, task, lon=INSIDE[0], lat=INSIDE[1], seed=7)
    move(users.rectifier, task, "submit", photos=[photo.pk])
    return photo


def _point(xy):
    from django.contrib.gis.geos import Point

    return Point(*xy, srid=4326)


# ---------------------------------------------------------------- registration


def test_a_finding_becomes_a_task_dispatched_to_the_routed_unit_with_a_deadline(world, task):
    assert task.status == TaskStatus.DISPATCHED
    assert task.unit == world.west_committee == task.finding.routed_unit
    assert task.origin == TaskOrigin.INSPECTION
    assert task.due_at == add_working_days(task.registered_at, 3)  # street vending, major: 3 working days
    event = TaskEvent.objects.get(task=task)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("register", "", "dispatched", None)
    assert event.data == {"routing_rule": "service_area"}


def test_a_finding_at_a_sponsored_hotspot_goes_to_its_sponsoring_unit(world, phase):
    task = make_task(world, phase, hotspot=world.stall)
    assert task.unit == world.school
    assert task.hotspot == world.stall


def test_a_volunteers_finding_waits_for_triage_without_a_deadline(world, phase):
    task = make_task(world, phase, user=world.users.volunteer)
    assert (task.status, task.origin, task.due_at) == (TaskStatus.TRIAGE, TaskOrigin.PUBLIC, None)


def test_a_finding_no_unit_covers_waits_for_a_manager(world, phase):
    world.west_committee.active = False
    world.west_committee.save()
    task = make_task(world, phase)
    assert (task.status, task.unit, task.due_at) == (TaskStatus.UNROUTED, None, None)
    move(world.users.manager, task, "dispatch", unit=world.east_committee)
    task = reload(task)
    assert (task.status, task.unit) == (TaskStatus.DISPATCHED, world.east_committee)
    assert task.due_at is not None


def test_a_flagged_before_photo_holds_an_untouched_task_for_triage(world, task, users):
    from django.core.files import File

    from inspections.evidence.photos import Upload, photo_upload
    from tests.inspections.conftest import as_upload, photo_bytes

    old = photo_bytes(lat=39.845, lon=116.215, hours_ago=72)
    upload = Upload(uuid.uuid4(), task.finding.inspection, task.finding, "before", File(as_upload(old)))
    photo_upload(user=users.inspector, upload=upload)
    task = reload(task)
    assert task.status == TaskStatus.TRIAGE
    hold = TaskEvent.objects.get(task=task, action="hold")
    assert (hold.actor, hold.data) == (None, {"flags": ["taken_long_before"]})
    assert hold.photos.get().pk == upload.id


def test_a_flagged_photo_does_not_pull_back_an_accepted_task(world, task, users):
    from django.core.files import File

    from inspections.evidence.photos import Upload, photo_upload
    from tests.inspections.conftest import as_upload, photo_bytes

    move(users.rectifier, task, "accept")
    old = photo_bytes(lat=39.845, lon=116.215, hours_ago=72)
    photo_upload(
        user=users.inspector,
        upload=Upload(uuid.uuid4(), task.finding.inspection, task.finding, "before", File(as_upload(old))),
    )
    assert reload(task).status == TaskStatus.ACCEPTED


# ---------------------------------------------------------------- deadlines in working days


def test_the_deadline_counts_working_days_across_the_spring_festival_and_its_make_up_day(task):
    # Fri 13 Feb 2026 10:00 + 5 working days: Sat 14 (make-up working day), then 15–23 off, then 24, 25, 26, 27.
    task.finding.severity = "minor"
    due, problem = deadline(task, dt.datetime(2026, 2, 13, 10, tzinfo=SHANGHAI), WorkCalendar())
    assert (due, problem) == (dt.datetime(2026, 2, 27, 10, tzinfo=SHANGHAI), "")


def test_a_deadline_in_an_undescribed_year_is_left_empty_and_says_why(task):
    due, problem = deadline(task, dt.datetime(2031, 3, 3, 10, tzinfo=SHANGHAI), WorkCalendar())
    assert due is None
    assert "2031" in problem


def test_a_missing_deadline_is_set_from_the_dispatch_once_the_office_describes_the_year(task):
    dispatched = dt.datetime(2031, 3, 3, 10, tzinfo=SHANGHAI)
    task = as_dispatched_in_an_undescribed_year(task, dispatched)
    assert tasks_deadlines_fill() == 0 and reload(task).due_at is None

    CalendarDay.objects.create(date=dt.date(2031, 1, 1), name="元旦")
    assert tasks_deadlines_fill() == 1
    task = reload(task)
    assert task.due_at == add_working_days(dispatched, 3)  # street vending, major: 3 working days
    assert ("deadline", "dispatched", "dispatched") in trail(task)
    event = TaskEvent.objects.get(task=task, action="deadline")
    assert (event.actor, event.due_at) == (None, task.due_at)
    assert dt.datetime.fromisoformat(event.data["counted_from"]) == dispatched
    assert tasks_deadlines_fill() == 0  # once


def test_only_tasks_with_their_unit_get_a_missing_deadline(world, phase, task, users):
    when = dt.datetime(2031, 3, 3, 10, tzinfo=SHANGHAI)
    returned = as_dispatched_in_an_undescribed_year(task, when)
    move(users.rectifier, returned, "return", note="不归我们管")
    triage = as_dispatched_in_an_undescribed_year(make_task(world, phase, user=users.volunteer), when)
    CalendarDay.objects.create(date=dt.date(2031, 1, 1), name="元旦")
    assert tasks_deadlines_fill() == 0
    assert reload(returned).due_at is None and reload(triage).due_at is None


def test_deadline_days_come_from_the_problem_type_and_severity(world, phase):
    from inspections.models import ProblemType

    ProblemType.objects.filter(code="illegal_ads").update(deadline_days_severe=2)
    task = make_task(world, phase, code="illegal_ads", severity="severe")
    assert task.due_at == add_working_days(task.registered_at, 2)


# ---------------------------------------------------------------- the whole loop


def test_the_seven_steps_with_an_audit_row_for_each_move(world, task, users):
    photo = work_to_submitted(task, users)
    move(users.inspector, task, "verify", note="现场已清理")
    move(users.manager, task, "close")
    task = reload(task)
    assert task.status == TaskStatus.CLOSED
    assert task.checked_in_at and task.submitted_at and task.verified_at and task.closed_at
    assert trail(task) == [
        ("register", "", "dispatched"),
        ("accept", "dispatched", "accepted"),
        ("check_in", "accepted", "in_progress"),
        ("submit", "in_progress", "submitted"),
        ("verify", "submitted", "verified"),
        ("close", "verified", "closed"),
    ]
    submit = TaskEvent.objects.get(task=task, action="submit")
    assert list(submit.photos.all()) == [photo]
    assert submit.actor == users.rectifier
    assert submit.data["metres_outside"] == {str(photo.pk): 0.0}
    check_in = TaskEvent.objects.get(task=task, action="check_in")
    assert (check_in.position.x, check_in.position.y) == INSIDE
    assert Finding.objects.get(pk=task.finding_id).is_open is False


def test_a_rejected_fix_is_reworked_and_counted(task, users):
    work_to_submitted(task, users)
    with pytest.raises(ValidationError, match="note"):
        move(users.manager, task, "reject")
    move(users.manager, task, "reject", note="仍有垃圾")
    assert (reload(task).status, reload(task).rework_count) == (TaskStatus.REJECTED, 1)
    photo = after_photo(users.rectifier, task, lon=INSIDE[0], lat=INSIDE[1], seed=9)
    move(users.rectifier, task, "start")
    move(users.rectifier, task, "submit", photos=[photo.pk])
    move(users.inspector, task, "verify")
    assert reload(task).status == TaskStatus.VERIFIED


def test_a_unit_returns_a_task_that_is_not_theirs_and_a_manager_sends_it_elsewhere(world, task, users):
    with pytest.raises(ValidationError, match="note"):
        move(users.rectifier, task, "return", note="  ")
    move(users.rectifier, task, "return", note="不属于本社区")
    task = reload(task)
    assert (task.status, task.return_count) == (TaskStatus.RETURNED, 1)
    assert allowed_moves(users.rectifier, task) == []
    move(users.manager, task, "dispatch", unit=world.east_committee)
    assert reload(task).unit == world.east_committee
    with pytest.raises(NotVisible):
        move(users.rectifier, task, "accept")
    move(users.east_rectifier, task, "accept")


def test_an_extension_is_asked_for_and_approved_with_a_new_deadline(task, users):
    move(users.rectifier, task, "accept")
    later = task.due_at + dt.timedelta(days=3)
    with pytest.raises(ValidationError, match="later than"):
        move(users.rectifier, task, "request_extension", note="需要施工", due_at=task.due_at - dt.timedelta(hours=1))
    move(users.rectifier, task, "request_extension", note="需要施工", due_at=later)
    assert reload(task).requested_due_at == later
    move(users.manager, task, "approve_extension")
    task = reload(task)
    assert (task.status, task.due_at, task.requested_due_at, task.extension_count) == (
        TaskStatus.IN_PROGRESS,
        later,
        None,
        1,
    )


def test_a_refused_extension_keeps_the_deadline(task, users):
    due = task.due_at
    move(users.rectifier, task, "accept")
    move(users.rectifier, task, "request_extension", note="需要施工", due_at=due + dt.timedelta(days=2))
    move(users.manager, task, "refuse_extension", note="按期完成")
    task = reload(task)
    assert (task.status, task.due_at, task.extension_count) == (TaskStatus.IN_PROGRESS, due, 0)


def test_a_manager_defers_and_resumes_with_a_fresh_deadline(task, users):
    move(users.manager, task, "defer", note="待拆迁")
    task = reload(task)
    assert (task.status, task.was_deferred) == (TaskStatus.DEFERRED, True)
    move(users.manager, task, "resume")
    assert reload(task).status == TaskStatus.DISPATCHED


def test_a_manager_voids_a_task_with_a_reason(task, users):
    move(users.manager, task, "void", note="重复上报")
    task = reload(task)
    assert task.status == TaskStatus.VOID
    assert Finding.objects.get(pk=task.finding_id).is_open is False
    assert allowed_moves(users.manager, task) == []


# ---------------------------------------------------------------- refusals


def test_a_move_the_state_does_not_allow_is_a_conflict_with_the_state_and_the_allowed_moves(task, users):
    with pytest.raises(Conflict) as refused:
        move(users.rectifier, task, "submit")
    assert refused.value.extra == {"status": "dispatched", "allowed_transitions": ["accept", "return"]}


def test_a_move_of_another_role_is_forbidden(task, users):
    with pytest.raises(MoveForbidden) as refused:
        move(users.rectifier, task, "void", note="x")
    assert refused.value.extra["allowed_transitions"] == ["accept", "return"]
    with pytest.raises(MoveForbidden):
        move(users.inspector, task, "accept")


def test_another_units_member_and_another_areas_manager_do_not_see_the_task(task, users):
    with pytest.raises(NotVisible):
        move(users.east_rectifier, task, "accept")
    east_only = UserFactory(username="east_mgr", role=Role.MANAGER, jurisdiction=task.jurisdiction.parent)
    east_only.jurisdiction = users.east_inspector.jurisdiction
    east_only.save()
    with pytest.raises(NotVisible):
        move(east_only, task, "void", note="x")
    with pytest.raises(NotVisible):
        move(users.rectifier, Task(pk=uuid.uuid4()), "accept")


def test_a_unit_cannot_verify_its_own_fix(world, phase, users):
    world.west_committee.active = False
    world.west_committee.save()
    task = make_task(world, phase)
    move(users.manager, task, "dispatch", unit=world.office)  # the manager's and inspector's own unit
    office_member = UserFactory(username="office_rect", role=Role.RECTIFIER, unit=world.office)
    move(office_member, task, "accept")
    move(office_member, task, "start")
    photo = after_photo(office_member, task, lon=INSIDE[0], lat=INSIDE[1], seed=7)
    move(office_member, task, "submit", photos=[photo.pk])
    for same_unit in (users.manager, users.inspector):
        with pytest.raises(MoveForbidden):
            move(same_unit, task, "verify")
    move(users.west_manager, task, "verify")


def test_an_unknown_action_and_the_systems_own_move_are_refused(task, users):
    for action in ("fly", "hold"):
        with pytest.raises(ValidationError, match="Unknown action"):
            move(users.manager, task, action)


# ---------------------------------------------------------------- on site: check-in and after-photos


def test_arriving_outside_the_geofence_is_refused_with_the_distance(task, users):
    move(users.rectifier, task, "accept")
    with pytest.raises(ValidationError, match="121 m outside"):
        move(users.rectifier, task, "check_in", position=_point(OUTSIDE))
    with pytest.raises(ValidationError, match="position"):
        move(users.rectifier, task, "check_in")
    assert reload(task).status == TaskStatus.ACCEPTED


def test_arriving_twice_is_recorded_twice(task, users):
    move(users.rectifier, task, "accept")
    move(users.rectifier, task, "check_in", position=_point(INSIDE))
    move(users.rectifier, task, "check_in", position=_point(INSIDE))
    assert [row[0] for row in trail(task)].count("check_in") == 2


def test_inside_a_hotspot_outline_counts_as_on_site(world, phase, users):
    task = make_task(world, phase, hotspot=world.plot)  # a vacant plot, 330 m × 220 m, east community
    assert task.unit == world.east_committee
    move(users.east_rectifier, task, "accept")
    move(users.east_rectifier, task, "check_in", position=_point((116.2279, 39.8499)))  # far corner, inside
    with pytest.raises(ValidationError, match="outside"):
        move(users.east_rectifier, task, "check_in", position=_point((116.2300, 39.8499)))


def test_a_fix_photographed_elsewhere_is_kept_but_not_accepted(task, users):
    move(users.rectifier, task, "accept")
    far = after_photo(users.rectifier, task, lon=OUTSIDE[0], lat=OUTSIDE[1], seed=7)
    with pytest.raises(ValidationError, match="nearest is 121 m outside"):
        move(users.rectifier, task, "submit", photos=[far.pk])
    assert reload(task).status == TaskStatus.ACCEPTED
    assert far.finding.photos.filter(pk=far.pk).exists()


def test_submitting_needs_an_after_photo(task, users):
    move(users.rectifier, task, "accept")
    with pytest.raises(ValidationError, match="at least one after-photo"):
        move(users.rectifier, task, "submit")
    with pytest.raises(ValidationError, match="not a photo of this task"):
        move(users.rectifier, task, "submit", photos=[uuid.uuid4()])


def test_without_gps_the_device_position_at_capture_counts(task, users):
    move(users.rectifier, task, "accept")
    blind = after_photo(users.rectifier, task, seed=7)
    with pytest.raises(ValidationError, match="no position"):
        move(users.rectifier, task, "submit", photos=[blind.pk])
    located = after_photo(users.rectifier, task, device=INSIDE, seed=11)
    move(users.rectifier, task, "submit", photos=[blind.pk, located.pk])
    assert reload(task).status == TaskStatus.SUBMITTED


# ---------------------------------------------------------------- idempotence


def test_making_a_move_already_made_is_a_no_op(task, users):
    first = move(users.rectifier, task, "accept")
    again = move(users.rectifier, task, "accept")
    assert (first.created, again.created, again.event) == (True, False, None)
    assert [row[0] for row in trail(task)] == ["register", "accept"]


def test_a_replayed_move_id_is_recorded_once(task, users):
    key = uuid.uuid4()
    first = move(users.rectifier, task, "accept", client_id=key)
    move(users.rectifier, task, "start")
    again = move(users.rectifier, task, "accept", client_id=key)
    assert (again.created, again.event.pk) == (False, first.event.pk)
    with pytest.raises(Conflict, match="another move"):
        move(users.rectifier, task, "start", client_id=key)


# ---------------------------------------------------------------- the table itself


def test_every_public_move_has_an_actor_rule_and_leads_somewhere_valid():
    for action in PUBLIC_ACTIONS:
        rule = MOVES[action]
        assert rule.actor in (Actor.UNIT, Actor.MANAGER, Actor.VERIFIER)
        assert rule.target in TaskStatus.values
        assert rule.sources <= set(TaskStatus.values)
    assert not any(action in MOVES["close"].sources for action in ("closed", "void"))


# ---------------------------------------------------------------- two requests at once


@pytest.mark.django_db(transaction=True)
def test_concurrent_verify_and_reject_leave_one_winner_and_a_consistent_trail(world, phase):
    """PostGIS decides by row locks; SpatiaLite (a file, as `make run` opens it) by taking turns."""
    users = world.users
    task = make_task(world, phase)
    work_to_submitted(task, users)
    with file_database():
        barrier = threading.Barrier(2)
        outcomes = {}

        def attempt(user, action, note):
            try:
                barrier.wait()
                outcomes[action] = move(user, task, action, note=note).event.action
            except (Conflict, MoveForbidden) as error:
                outcomes[action] = type(error).__name__
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=attempt, args=(users.inspector, "verify", "ok")),
            threading.Thread(target=attempt, args=(users.manager, "reject", "redo")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values()) in (["Conflict", "verify"], ["Conflict", "reject"])
        final = reload(task)
        decisions = TaskEvent.objects.filter(task=task, action__in=["verify", "reject"])
        assert decisions.count() == 1
        assert decisions.get().to_status == final.status
        assert decisions.get().from_status == TaskStatus.SUBMITTED
        assert timezone.now() >= final.updated_at


def test_a_move_made_offline_counts_from_when_it_was_made_within_reason(task, users):
    accepted = move(users.rectifier, task, "accept").event.at
    photo = after_photo(users.rectifier, task, lon=INSIDE[0], lat=INSIDE[1], seed=7)
    offline = accepted + dt.timedelta(milliseconds=1)
    move(users.rectifier, task, "submit", photos=[photo.pk], made_at=offline)
    submitted = reload(task)
    assert submitted.submitted_at == offline
    event = TaskEvent.objects.get(task=task, action="submit")
    assert event.claimed_at == event.counted_at == offline
    assert event.at >= offline  # the audit row keeps the server's time of recording


def test_a_device_clock_in_the_future_or_before_the_last_move_is_not_believed(task, users):
    accepted = move(users.rectifier, task, "accept").event.at
    move(users.rectifier, task, "start", made_at=accepted - dt.timedelta(days=3))
    photo = after_photo(users.rectifier, task, lon=INSIDE[0], lat=INSIDE[1], seed=7)
    move(users.rectifier, task, "submit", photos=[photo.pk], made_at=timezone.now() + dt.timedelta(days=2))
    submitted = reload(task)
    assert accepted <= submitted.submitted_at <= timezone.now()


def test_a_manager_dispatches_to_units_of_their_area_or_serving_the_place(world, phase, users):
    south = make_task(world, phase)  # west community, south of the squad's corridor
    north = make_task(world, phase, lon=116.215, lat=39.852)  # inside the squad's corridor (priority 10)
    assert north.unit == world.squad
    for task in (south, north):
        move(users.manager, task, "defer", note="待核实")
    # The squad belongs to the whole area, not to the west community, but serves the northern place.
    with pytest.raises(ValidationError, match="neither in your area nor serving this place"):
        move(users.west_manager, south, "resume", unit=world.squad)
    move(users.west_manager, north, "resume", unit=world.squad)
    with pytest.raises(ValidationError, match="neither in your area"):
        move(users.west_manager, south, "resume", unit=world.school)
    move(users.west_manager, south, "resume", unit=world.property_manager)
    assert (reload(south).unit, reload(north).unit) == (world.property_manager, world.squad)
