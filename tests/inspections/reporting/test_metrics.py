"""Evaluation metrics (综合评价): a hand-computed fixture, the API and the managers' page.

The fixture is built through the real services: one inspection with a finding per task (``inspection_submit``,
which registers, routes and dispatches the tasks), then the workflow moves of each task (``task_transition``, with
after-photos uploaded through the API as a tablet would), so that the statuses and counters (rework, extension,
deferral, verification) are the ones the workflow writes. Because those moves happen now, the task's own
timestamps (dispatched, deadline, fix submitted, verified, closed) are then set with ``QuerySet.update()`` to the
February 2026 dates below; the audit rows keep their real times. One task is moved to the area's own land (outside
every community) the same way.

February 2026 in Beijing (chinese_calendar 1.11): Sat 14 Feb and Sat 28 Feb are make-up working days (调休);
15–23 Feb is the Spring Festival holiday; the business day is 09:00–18:00, so one working day is 9 working hours.
"""

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from inspections.evidence.inspections import FindingInput, InspectionInput, inspection_submit
from inspections.models import ProblemType, Task, TaskStatus
from inspections.rectification.tasks import MoveInput, task_transition
from inspections.rectification.workdays import WorkCalendar
from inspections.rectification.workflow import MOVES, Actor
from inspections.reporting.metrics import Grouping, Period, checked_period, task_metrics
from inspections.selectors import tasks_for_user
from tests.factories import UserFactory
from tests.inspections.conftest import as_upload, photo_bytes

pytestmark = pytest.mark.django_db

API = "/api/metrics/"
PAGE = "/tasks/metrics/"
FEBRUARY = {"start": "2026-02-01", "end": "2026-02-28"}

# Free findings, routed by the real routing: where each unit answers.
PLACES = {
    "west": (116.212, 39.842),  # west committee (西社区居委会)
    "west_cell": (116.2005, 39.8405),  # grid cell 1 of the west community: west committee
    "compound": (116.207, 39.847),  # the property manager's compound in the west (西苑物业)
    "east": (116.226, 39.843),  # east committee (东社区居委会)
    "school": (116.236, 39.842),  # the school's grounds in the east (宛平中学)
    "corridor": (116.230, 39.855),  # the enforcement squad's corridor (城管执法队), moved to the area's land
}


@dataclass(frozen=True)
class Spec:
    key: str
    place: str
    moves: tuple[str, ...]
    dispatched: str | None = None
    due: str | None = None
    submitted: str | None = None
    verified: str | None = None
    closed: str | None = None


# Times are local (Asia/Shanghai). The note under a task says what it stands for and, for a closed one, its
# handling time in working hours.
SPECS = [
    # West committee, west community
    Spec("T1", "west", ("accept", "submit", "verify", "close"),
         "2026-02-02 09:00", "2026-02-04 09:00", "2026-02-03 13:30", "2026-02-03 16:00", "2026-02-04 10:00"),
    # Mon 9 h + Tue 09:00–13:30 4.5 h = 13.5 h = 1.5 d; on time.
    Spec("T2", "west_cell", ("accept", "submit", "reject", "submit", "verify"),
         "2026-02-09 09:00", "2026-02-12 09:00", "2026-02-11 18:00", "2026-02-12 10:00"),
    # In a grid cell below the west community. Reworked once, verified. Mon + Tue + Wed = 27 h = 3.0 d; on time.
    Spec("T3", "west", ("accept", "submit", "verify", "close"),
         "2026-02-13 09:00", "2026-02-25 09:00", "2026-02-24 12:00", "2026-02-24 15:00", "2026-02-24 16:00"),
    # Fri 13 Feb 9 h + Sat 14 Feb 9 h (调休, a working day) + 15–23 Feb 0 h (holiday) + Tue 24 Feb 09:00–12:00 3 h
    # = 21 h = 2.333 d; on time. (Without the make-up Saturday it would be 12 h = 1.333 d.)
    Spec("T4", "west", ("accept", "start"), "2026-02-24 09:00", "2026-02-26 09:00"),
    # Overdue (超期): still in progress after its deadline.
    # Property manager, west community
    Spec("T5", "compound", ("accept", "request_extension", "approve_extension", "submit", "verify", "close"),
         "2026-02-02 09:00", "2026-02-10 18:00", "2026-02-10 09:00", "2026-02-10 11:00", "2026-02-10 12:00"),
    # Extended from Wed 4 Feb 09:00 to Tue 10 Feb 18:00: submitted before the deadline in force, so on time (it
    # would be late against the first deadline). Mon 2–Fri 6 Feb 45 h + Mon 9 Feb 9 h = 54 h = 6.0 d.
    Spec("T6", "compound", ("return",), "2026-02-10 09:00", "2026-02-12 09:00"),
    # Returned by the unit as not theirs; still due in the period.
    # East committee, east community
    Spec("T7", "east", ("accept", "submit", "verify", "close"),
         "2026-02-26 14:00", "2026-02-28 18:00", "2026-03-02 10:00", "2026-03-02 15:00", "2026-03-02 16:00"),
    # Deadline on a make-up Saturday; fixed late. Thu 26 Feb 14:00–18:00 4 h + Fri 27 Feb 9 h + Sat 28 Feb 9 h
    # (调休) + Sun 1 Mar 0 h + Mon 2 Mar 09:00–10:00 1 h = 23 h = 2.556 d; not on time.
    Spec("T8", "east", ("accept", "submit"), "2026-02-02 09:00", "2026-02-05 09:00", "2026-02-04 10:00"),
    # Submitted, not verified yet.
    Spec("T9", "east", ("accept", "submit", "reject"), "2026-02-02 09:00", "2026-02-09 09:00", "2026-02-05 10:00"),
    # Rejected: in rework.
    Spec("T13", "east", ("accept",), "2026-01-30 10:00", "2026-02-01 00:30"),
    # Due 00:30 local on 1 Feb (16:30 UTC on 31 Jan): in the period.
    # The school, east community
    Spec("T10", "school", ("accept", "submit", "verify", "close"),
         "2026-02-24 09:00", "2026-02-27 09:00", "2026-02-26 09:00", "2026-02-26 11:00", "2026-02-26 12:00"),
    # Tue 24 + Wed 25 Feb = 18 h = 2.0 d; on time.
    Spec("T11", "school", (), "2026-02-26 09:00", "2026-02-28 23:30"),
    # Due 23:30 local on 28 Feb: in the period.
    # The enforcement squad, on the area's own land (outside every community)
    Spec("T12", "corridor", ("defer",), "2026-02-02 09:00", "2026-02-06 09:00"),
    # Deferred (缓办).
    # Not counted
    Spec("X1", "west", ("void",), "2026-02-02 09:00", "2026-02-10 09:00"),  # void
    Spec("X2", "east", (), "2026-02-26 10:00", "2026-03-01 00:30"),  # 1 Mar local (28 Feb 16:30 UTC)
    Spec("X3", "east", (), "2026-01-28 10:00", "2026-01-31 23:30"),  # 31 Jan local
]  # fmt: skip
# X4, not counted either: a volunteer's report waiting for triage, without a deadline.

# The hand-computed table (handling times in working days from the notes above: T1 1.5, T2 3.0, T3 21/9 = 2.333,
# T5 6.0, T7 23/9 = 2.556, T10 2.0).
#
# Counts        tasks            due  deferred  closed  on time  reworked  submitted  extended
# 西社区居委会   T1 T2 T3 T4        4      0        3        3        1         3          0
# 西苑物业       T5 T6              2      0        1        1        0         1          1
# 东社区居委会   T7 T8 T9 T13       4      0        1        0        1         3          0
# 宛平中学       T10 T11            2      0        1        1        0         1          0
# 城管执法队     T12                1      1        0        0        0         0          0
# all           13 tasks          13      1        6        5        2         8          1
# 西社区         T1–T6              6      0        4        4        1         4          1
# 东社区         T7–T11 T13         6      0        2        1        1         4          0
# no community  T12                1      1        0        0        0         0          0
#
# Rates         on time            closure   rework      extension   mean handling days
#               ontime/(due−def)   clo/due   rew/sub     ext/due     (sum of the closed tasks' days)/closed
# 西社区居委会   3/(4−0) = 0.75      3/4       1/3         0/4 = 0     (1.5 + 3 + 2.333)/3 = 2.278 → 2.28
# 西苑物业       1/(2−0) = 0.5       1/2       0/1 = 0     1/2         6.0/1 → 6.0
# 东社区居委会   0/(4−0) = 0         1/4       1/3         0/4 = 0     2.556/1 → 2.56
# 宛平中学       1/(2−0) = 0.5       1/2       0/1 = 0     0/2 = 0     2.0/1 → 2.0
# 城管执法队     0/(1−1) → null      0/1 = 0   0/0 → null  0/1 = 0     no closed task → null
# all           5/(13−1) = 0.4167   6/13      2/8 = 0.25  1/13        (1.5 + 3 + 2.333 + 6 + 2.556 + 2)/6
#                                                                    = 17.389/6 = 2.898 → 2.90
# 西社区         4/(6−0) = 0.6667    4/6       1/4         1/6         (1.5 + 3 + 2.333 + 6)/4 = 3.208 → 3.21
# 东社区         1/(6−0) = 0.1667    2/6       1/4         0/6 = 0     (2.556 + 2.0)/2 = 2.278 → 2.28
# no community  0/(1−1) → null      0/1 = 0   0/0 → null  0/1 = 0     null


def figures(due, deferred, closed, on_time, reworked, submitted, extended, rates, mean):
    on_time_rate, closure, rework, extension = rates
    return {
        "due": due,
        "deferred": deferred,
        "closed": closed,
        "closed_on_time": on_time,
        "reworked": reworked,
        "submitted": submitted,
        "extended": extended,
        "on_time_closure_rate": on_time_rate,
        "closure_rate": closure,
        "rework_rate": rework,
        "extension_rate": extension,
        "mean_handling_days": mean,
    }


WEST_COMMITTEE = figures(4, 0, 3, 3, 1, 3, 0, (3 / 4, 3 / 4, 1 / 3, 0.0), 2.28)
PROPERTY_MANAGER = figures(2, 0, 1, 1, 0, 1, 1, (1 / 2, 1 / 2, 0.0, 1 / 2), 6.0)
EAST_COMMITTEE = figures(4, 0, 1, 0, 1, 3, 0, (0.0, 1 / 4, 1 / 3, 0.0), 2.56)
SCHOOL = figures(2, 0, 1, 1, 0, 1, 0, (1 / 2, 1 / 2, 0.0, 0.0), 2.0)
SQUAD = figures(1, 1, 0, 0, 0, 0, 0, (None, 0.0, None, 0.0), None)
TOTAL = figures(13, 1, 6, 5, 2, 8, 1, (5 / 12, 6 / 13, 2 / 8, 1 / 13), 2.90)
WEST = figures(6, 0, 4, 4, 1, 4, 1, (4 / 6, 4 / 6, 1 / 4, 1 / 6), 3.21)
EAST = figures(6, 0, 2, 1, 1, 4, 0, (1 / 6, 2 / 6, 1 / 4, 0.0), 2.28)


def local(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    return timezone.make_aware(dt.datetime.fromisoformat(text), timezone.get_default_timezone())


@pytest.fixture
def february(world, phase, client_for):
    """The tasks of SPECS (and a volunteer's report), built as the module docstring says; returns key → task."""
    units = {
        "west": world.west_committee,
        "west_cell": world.west_committee,
        "compound": world.property_manager,
        "east": world.east_committee,
        "school": world.school,
        "corridor": world.squad,
    }
    members = {
        world.west_committee.pk: world.users.rectifier,
        world.east_committee.pk: world.users.east_rectifier,
        world.property_manager.pk: UserFactory(username="property_u", role=Role.RECTIFIER, unit=world.property_manager),
        world.school.pk: UserFactory(username="school_u", role=Role.RECTIFIER, unit=world.school),
        world.squad.pk: UserFactory(username="squad_u", role=Role.RECTIFIER, unit=world.squad),
    }
    actors = {Actor.MANAGER: world.users.manager, Actor.VERIFIER: world.users.inspector}
    garbage = ProblemType.objects.get(code="exposed_garbage")
    finding_ids = {spec.key: uuid.uuid4() for spec in SPECS}
    inspection_submit(
        user=world.users.inspector,
        data=InspectionInput(
            id=uuid.uuid4(),
            phase=phase,
            started_at=timezone.now() - dt.timedelta(minutes=30),
            location=Point(*PLACES["west"], srid=4326),
            findings=[
                FindingInput(id=finding_ids[spec.key], problem_type=garbage, location=Point(*PLACES[spec.place]))
                for spec in SPECS
            ],
        ),
    )
    inspection_submit(
        user=world.users.volunteer,
        data=InspectionInput(
            id=uuid.uuid4(),
            phase=phase,
            started_at=timezone.now() - dt.timedelta(minutes=10),
            location=Point(*PLACES["east"], srid=4326),
            findings=[FindingInput(id=uuid.uuid4(), problem_type=garbage)],
        ),
    )
    tasks = {}
    for number, spec in enumerate(SPECS):
        task = Task.objects.get(finding_id=finding_ids[spec.key])
        assert task.unit == units[spec.place], spec.key
        member = members[task.unit_id]
        photo = None
        for action in spec.moves:
            actor = member if MOVES[action].actor == Actor.UNIT else actors[MOVES[action].actor]
            data = MoveInput(action=action, note="测试")
            if action == "submit":
                photo = photo or _after_photo(client_for(member), task, seed=100 + number)
                data = MoveInput(action=action, photos=[photo])
            elif action == "request_extension":
                data = MoveInput(action=action, note="需要更多时间", due_at=timezone.now() + dt.timedelta(days=30))
            task_transition(user=actor, task_id=task.pk, data=data)
        Task.objects.filter(pk=task.pk).update(
            dispatched_at=local(spec.dispatched),
            due_at=local(spec.due),
            submitted_at=local(spec.submitted),
            verified_at=local(spec.verified),
            closed_at=local(spec.closed),
        )
        tasks[spec.key] = Task.objects.get(pk=task.pk)
    Task.objects.filter(pk=tasks["T12"].pk).update(jurisdiction=world.area)
    tasks["T12"].refresh_from_db()
    tasks["X4"] = Task.objects.get(finding__created_by=world.users.volunteer)
    return tasks


def _after_photo(client, task, *, seed: int) -> uuid.UUID:
    photo_id = uuid.uuid4()
    data = photo_bytes(lon=task.location.x, lat=task.location.y, seed=seed)
    response = client.put(
        f"/api/photos/{photo_id}/",
        {"file": as_upload(data), "finding": str(task.finding_id), "role": "after"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return photo_id


def as_dict(row) -> dict:
    counts = row.counts
    return {name: getattr(counts, name) for name in WEST}


# ---------------------------------------------------------------- the fixture is what the comments say


def test_the_fixture_went_through_the_workflow(world, february):
    t = february
    statuses = {key: task.status for key, task in t.items()}
    assert statuses == {
        "T1": TaskStatus.CLOSED,
        "T2": TaskStatus.VERIFIED,
        "T3": TaskStatus.CLOSED,
        "T4": TaskStatus.IN_PROGRESS,
        "T5": TaskStatus.CLOSED,
        "T6": TaskStatus.RETURNED,
        "T7": TaskStatus.CLOSED,
        "T8": TaskStatus.SUBMITTED,
        "T9": TaskStatus.REJECTED,
        "T13": TaskStatus.ACCEPTED,
        "T10": TaskStatus.CLOSED,
        "T11": TaskStatus.DISPATCHED,
        "T12": TaskStatus.DEFERRED,
        "X1": TaskStatus.VOID,
        "X2": TaskStatus.DISPATCHED,
        "X3": TaskStatus.DISPATCHED,
        "X4": TaskStatus.TRIAGE,
    }
    assert (t["T2"].rework_count, t["T9"].rework_count, t["T5"].extension_count) == (1, 1, 1)
    assert t["T12"].was_deferred and not any(task.was_deferred for key, task in t.items() if key != "T12")
    assert t["X4"].due_at is None
    assert t["T2"].jurisdiction == world.cell and t["T12"].jurisdiction == world.area
    # The make-up Saturdays are working days on the calendar the metrics use.
    calendar = WorkCalendar()
    assert calendar.is_working_day(dt.date(2026, 2, 14)) and calendar.is_working_day(dt.date(2026, 2, 28))
    assert not calendar.is_working_day(dt.date(2026, 2, 16))
    assert calendar.working_days_between(local("2026-02-13 09:00"), local("2026-02-24 12:00")) == 21 / 9


# ---------------------------------------------------------------- the selector


def test_per_unit_matches_the_hand_computed_table(world, february, django_assert_num_queries):
    period = checked_period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    calendar = WorkCalendar()
    # One query for the tasks, one for the units' names, one for the calendar's overrides of 2026.
    with django_assert_num_queries(3):
        metrics = task_metrics(Task.objects.all(), group=Grouping.UNIT, period=period, calendar=calendar)
    rows = {row.id: as_dict(row) for row in metrics.rows}
    assert rows == {
        world.west_committee.pk: WEST_COMMITTEE,
        world.property_manager.pk: PROPERTY_MANAGER,
        world.east_committee.pk: EAST_COMMITTEE,
        world.school.pk: SCHOOL,
        world.squad.pk: SQUAD,
    }
    assert as_dict(metrics.total) == TOTAL
    names = [row.name for row in metrics.rows]
    assert names == sorted(names) and "西苑物业" in names


def test_per_community_matches_the_hand_computed_table(world, february, django_assert_num_queries):
    period = checked_period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    with django_assert_num_queries(3):
        metrics = task_metrics(Task.objects.all(), group=Grouping.COMMUNITY, period=period, calendar=WorkCalendar())
    assert [(row.id, row.name, as_dict(row)) for row in metrics.rows] == [
        (world.west.pk, "West", WEST),  # the English names: the tests run in English
        (world.east.pk, "East", EAST),
        (None, "Outside any community", SQUAD),
    ]
    assert as_dict(metrics.total) == TOTAL


def test_tasks_count_in_the_period_of_their_local_deadline(world, february):
    def due(start, end):
        period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        return task_metrics(Task.objects.all(), group=Grouping.UNIT, period=period).total.counts.due

    assert due("2026-02-01", "2026-02-01") == 1  # T13 at 00:30 local (still 31 Jan in UTC)
    assert due("2026-01-31", "2026-01-31") == 1  # X3 at 23:30 local
    assert due("2026-03-01", "2026-03-01") == 1  # X2 at 00:30 local (still 28 Feb in UTC)
    assert due("2026-02-28", "2026-02-28") == 2  # T7 at 18:00 and T11 at 23:30
    assert due("2026-01-01", "2026-03-31") == 15  # all but the void X1 and X4 without a deadline


def test_the_period_is_checked():
    assert checked_period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).days == 366
    with pytest.raises(ValidationError, match="at most 366 days"):
        checked_period(dt.date(2025, 1, 1), dt.date(2026, 1, 2))
    with pytest.raises(ValidationError, match="before it starts"):
        checked_period(dt.date(2026, 2, 2), dt.date(2026, 2, 1))


# ---------------------------------------------------------------- the API


def _rows(body) -> dict:
    return {row["id"]: {k: v for k, v in row.items() if k not in ("id", "name")} for row in body["rows"]}


def _total(body) -> dict:
    return {k: v for k, v in body["total"].items() if k not in ("id", "name")}


@pytest.mark.parametrize("who", ["manager", "inspector", "admin"])
def test_api_per_unit_for_the_whole_area(client_for, world, february, who):
    response = client_for(getattr(world.users, who)).get(API, {**FEBRUARY, "group": "unit"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["group"], body["start"], body["end"]) == ("unit", "2026-02-01", "2026-02-28")
    assert _rows(body) == {
        world.west_committee.pk: WEST_COMMITTEE,
        world.property_manager.pk: PROPERTY_MANAGER,
        world.east_committee.pk: EAST_COMMITTEE,
        world.school.pk: SCHOOL,
        world.squad.pk: SQUAD,
    }
    assert _total(body) == TOTAL
    assert body["total"]["id"] is None and body["total"]["name"] == "All"


def test_api_per_community(client_for, world, february):
    response = client_for(world.users.manager).get(API, {**FEBRUARY, "group": "community"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(row["id"], row["name"]) for row in body["rows"]] == [
        (world.west.pk, "West"),
        (world.east.pk, "East"),
        (None, "Outside any community"),
    ]
    assert _rows(body) == {world.west.pk: WEST, world.east.pk: EAST, None: SQUAD}
    assert _total(body) == TOTAL
    chinese = client_for(world.users.manager, language="zh-hans").get(API, {**FEBRUARY, "group": "community"})
    assert [row["name"] for row in chinese.json()["rows"]][:2] == ["西社区", "东社区"]


def test_api_manager_of_another_community_sees_only_their_tasks(client_for, world, february):
    client = client_for(world.users.west_manager)
    body = client.get(API, {**FEBRUARY, "group": "community"}).json()
    assert _rows(body) == {world.west.pk: WEST}
    assert _total(body) == WEST
    body = client.get(API, {**FEBRUARY, "group": "unit"}).json()
    assert _rows(body) == {world.west_committee.pk: WEST_COMMITTEE, world.property_manager.pk: PROPERTY_MANAGER}


def test_api_a_unit_sees_only_its_own_tasks(client_for, world, february):
    body = client_for(world.users.east_rectifier).get(API, {**FEBRUARY, "group": "community"}).json()
    # The east committee's T7, T8, T9 and T13, all in the east community.
    assert _rows(body) == {world.east.pk: EAST_COMMITTEE}
    assert _total(body) == EAST_COMMITTEE


def test_api_someone_without_an_area_sees_an_empty_table(client_for, world, february):
    body = client_for(world.users.nobody).get(API, FEBRUARY).json()
    assert body["rows"] == [] and _total(body) == figures(0, 0, 0, 0, 0, 0, 0, (None, None, None, None), None)


def test_api_refuses_volunteers_and_anonymous_callers(client_for, api_client, world, february):
    assert client_for(world.users.volunteer).get(API, FEBRUARY).status_code == 403
    assert api_client.get(API, FEBRUARY).status_code == 401


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"end": "2026-02-28"}, "start", "Give the first day of the period as start=YYYY-MM-DD."),
        ({"start": "2026-02-01"}, "end", "Give the last day of the period as end=YYYY-MM-DD."),
        ({"start": "2026-02-30", "end": "2026-03-01"}, "start", "Date has wrong format"),
        ({"start": "1.2.2026", "end": "2026-03-01"}, "start", "YYYY-MM-DD"),
        ({"start": "2026-02-28", "end": "2026-02-01"}, "end", "before it starts (2026-02-28)"),
        ({"start": "2025-01-01", "end": "2026-01-02"}, "end", "367 days long; choose at most 366 days"),
        ({**FEBRUARY, "group": "street"}, "group", "Group by “unit” or “community”, not “street”."),
    ],
)
def test_api_bad_parameters_are_400_with_a_clear_message(client_for, world, params, field, message):
    response = client_for(world.users.manager).get(API, params)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_api_without_group_counts_per_unit(client_for, world, february):
    body = client_for(world.users.manager).get(API, FEBRUARY).json()
    assert body["group"] == "unit" and _total(body) == TOTAL


def test_api_an_undescribed_calendar_year_is_a_409_with_what_to_do(client_for, world, february):
    # A closed task whose fix came in a year neither chinese_calendar nor the office describes (the `world` fixture
    # describes the current year and the next one).
    year = timezone.localdate().year + 2
    Task.objects.filter(pk=february["T7"].pk).update(submitted_at=local(f"{year}-01-04 10:00"))
    response = client_for(world.users.manager).get(API, FEBRUARY)
    assert response.status_code == 409
    assert f"calendar for {year} is unknown" in response.json()["detail"]


def test_api_is_in_the_openapi_schema(client_for, world):
    schema = client_for(world.users.manager).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/metrics/"]["get"]
    assert "按期结案率" in operation["description"] and "closed_on_time / (due − deferred)" in operation["description"]
    assert {p["name"] for p in operation["parameters"]} == {"group", "start", "end"}


# ---------------------------------------------------------------- the page


def test_page_in_english_with_rates_as_percentages(client, world, february):
    client.force_login(world.users.manager)
    response = client.get(PAGE, {**FEBRUARY, "group": "unit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "On-time closure rate" in page and "Mean handling time (working days)" in page
    assert "Tasks due from Feb. 1, 2026 to Feb. 28, 2026" in page
    table = page.split('data-testid="metrics-table"')[1].split("</table>")[0]
    total = table.split("<tfoot>")[1]
    # 5/12 = 41.7 %, 6/13 = 46.2 %, 2/8 = 25.0 %, 1/13 = 7.7 %, 2.90 days; the counts behind each rate as a title.
    for text in ('title="5 / 12">41.7%<', 'title="6 / 13">46.2%<', 'title="2 / 8">25.0%<', 'title="1 / 13">7.7%<'):
        assert text in total
    assert ">2.90<" in total and ">13<" in total
    squad = table.split("城管执法队")[1].split("</tr>")[0]
    assert 'title="0 / 0">—<' in squad  # on-time closure rate of a group whose only task was deferred


def test_page_in_chinese_per_community(client, world, february):
    client.force_login(world.users.manager)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(PAGE, {**FEBRUARY, "group": "community"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page and "退出登录" in page
    table = page.split('data-testid="metrics-table"')[1].split("</table>")[0]
    assert table.index("西社区") < table.index("东社区")
    west = table.split("西社区")[1].split("</tr>")[0]
    # West: 4/6 = 66.7 % on time and closed, 1/4 = 25.0 % rework, 1/6 = 16.7 % extension, 3.21 days.
    assert west.count(">66.7%<") == 2 and ">25.0%<" in west and ">16.7%<" in west and ">3.21<" in west
    assert "2026年2月1日" in page


def test_page_defaults_to_the_current_month_per_unit(client, world, february):
    client.force_login(world.users.manager)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    today = timezone.localdate()
    first = today.replace(day=1)
    last = ((first + dt.timedelta(days=32)).replace(day=1)) - dt.timedelta(days=1)
    assert f'value="{first.isoformat()}"' in page and f'value="{last.isoformat()}"' in page
    assert '<option value="unit" selected>' in page
    assert 'data-testid="empty"' in page  # none of the February tasks is due this month


def test_page_csv_is_the_same_table(client, world, february):
    client.force_login(world.users.manager)
    response = client.get(PAGE, {**FEBRUARY, "group": "community", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="metrics-community-2026-02-01-2026-02-28.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["Community", "Tasks due", "Deferred tasks", "Closed tasks", "Closed on time"]
    assert rows[0][-1] == "Mean handling time (working days)"
    assert rows[1:] == [
        ["West", "6", "0", "4", "4", "66.7%", "66.7%", "4", "1", "25.0%", "1", "16.7%", "3.21"],
        ["East", "6", "0", "2", "1", "16.7%", "33.3%", "4", "1", "25.0%", "0", "0.0%", "2.28"],
        ["Outside any community", "1", "1", "0", "0", "—", "0.0%", "0", "0", "—", "0", "0.0%", "—"],
        ["All", "13", "1", "6", "5", "41.7%", "46.2%", "8", "2", "25.0%", "1", "7.7%", "2.90"],
    ]


def test_page_shows_a_rectifier_only_their_unit(client, world, february):
    client.force_login(world.users.rectifier)
    page = client.get(PAGE, FEBRUARY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = page.split('data-testid="metrics-table"')[1].split("</table>")[0]
    assert "西社区居委会" in table and "东社区居委会" not in table and "西苑物业" not in table


def test_page_explains_bad_periods(client, world):
    client.force_login(world.users.manager)
    page = client.get(PAGE, {"start": "2026-02-28", "end": "2026-02-01"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The period ends on 2026-02-01, before it starts (2026-02-28)." in page
    assert 'data-testid="metrics-table"' not in page and 'data-testid="csv"' not in page


def test_page_refuses_volunteers_and_sends_anonymous_people_to_sign_in(client, world):
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")
    client.force_login(world.users.volunteer)
    assert client.get(PAGE).status_code == 403


def test_only_visible_tasks_are_counted(world, february):
    period = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    mine = task_metrics(tasks_for_user(world.users.west_manager), group=Grouping.UNIT, period=period)
    assert as_dict(mine.total) == WEST


def test_home_offers_the_metrics_to_those_who_may_see_them(client, world):
    for who, offered in [("manager", True), ("inspector", True), ("rectifier", True), ("volunteer", False)]:
        client.force_login(getattr(world.users, who))
        assert (f'href="{PAGE}"' in client.get("/").content.decode()) is offered, who


def test_a_deferred_task_closed_on_time_leaves_the_on_time_rate_within_one():
    import datetime as dt
    from types import SimpleNamespace

    from inspections.reporting.metrics import Counts

    due = dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC)
    deferred_but_fixed = SimpleNamespace(
        was_deferred=True, extension_count=0, rework_count=0, submitted_at=due, verified_at=due, due_at=due
    )
    counts = Counts()
    counts.add(deferred_but_fixed, 1.0)
    assert (counts.due, counts.deferred, counts.closed, counts.closed_on_time) == (1, 1, 1, 0)
    assert counts.on_time_closure_rate is None  # 0 / (1 − 1)
