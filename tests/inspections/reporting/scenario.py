"""The February 2026 scenario the evaluation metrics (综合评价) are checked on, by the service, the API and the
page: the tasks, how they are built, and the figures computed by hand.

``build_february`` (the ``february`` fixture of ``tests/inspections/conftest.py``) goes through the real services:
one inspection with a finding per task (``inspection_submit``, which registers, routes and dispatches the tasks),
then the workflow moves of each task (``task_transition``, with after-photos uploaded through the API as a tablet
would), so that the statuses and counters (rework, extension, deferral, verification) are the ones the workflow
writes. Because those moves happen now, the task's own timestamps (dispatched, deadline, fix submitted, verified,
closed) are then set with ``QuerySet.update()`` to the February 2026 dates below; the audit rows keep their real
times. One task is moved to the area's own land (outside every community) the same way.

February 2026 in Beijing (chinese_calendar 1.11): Sat 14 Feb and Sat 28 Feb are make-up working days (调休);
15–23 Feb is the Spring Festival holiday; the business day is 09:00–18:00, so one working day is 9 working hours.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.models import Role
from inspections.evidence.inspections import FindingInput, InspectionInput, inspection_submit
from inspections.models import ProblemType, Task
from inspections.rectification.tasks import MoveInput, task_transition
from inspections.rectification.workflow import MOVES, Actor
from tests.factories import UserFactory
from tests.inspections.conftest import as_upload, photo_bytes

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


def figures(due, deferred, closed, on_time, reworked, submitted, extended, rates, mean, late_synced=0):
    on_time_rate, closure, rework, extension = rates
    return {
        "due": due,
        "deferred": deferred,
        "closed": closed,
        "closed_on_time": on_time,
        "reworked": reworked,
        "submitted": submitted,
        "extended": extended,
        "late_synced": late_synced,
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


def build_february(world, phase, client_for) -> dict:
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
