"""What the simulated tablets need from the demo data, read once through the ORM: logins, places, phase, tasks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# The demo's logins (fixtures/wanping.py, fixtures/rectification.py): who records inspections and who fixes.
FIELD_USERS = ("inspector", "volunteer", "manager")
UNIT_USERS = ("rectifier", "squad", "jinwan")
# One tablet in this many belongs to a unit's member; the others record inspections.
UNIT_SHARE = 5


@dataclass(frozen=True)
class Place:
    hotspot: int
    lon: float
    lat: float
    problem_types: tuple[str, ...]


@dataclass(frozen=True)
class WorkingTask:
    id: str
    lon: float
    lat: float


@dataclass
class World:
    password: str
    phase: int
    places: list[Place]
    tasks: dict[str, list[WorkingTask]] = field(default_factory=dict)  # unit member → tasks they can check in on

    def logins(self, tablets: int) -> list[str]:
        """The login of each tablet: every UNIT_SHARE-th a unit member with tasks to work on, the rest field roles."""
        members = [name for name in UNIT_USERS if self.tasks.get(name)]
        names = []
        for index in range(tablets):
            if members and index % UNIT_SHARE == UNIT_SHARE - 1:
                names.append(members[(index // UNIT_SHARE) % len(members)])
            else:
                names.append(FIELD_USERS[index % len(FIELD_USERS)])
        return names

    def place(self, rng: random.Random) -> Place:
        return rng.choice(self.places)


def read_world(password: str) -> World:
    """The running phase, the active hotspots of the field users' area and the working tasks of each unit member."""
    from django.utils import timezone

    from accounts.models import User
    from inspections.evidence.inspections import hotspot_anchor, usable_hotspots
    from inspections.models import Phase, ProblemType, Task
    from inspections.rectification.workflow import WORKING

    today = timezone.localdate()
    phase = (
        Phase.objects.filter(starts_on__lte=today, ends_on__gte=today, campaign__starts_on__lte=today)
        .order_by("-starts_on")
        .first()
    )
    if phase is None:
        raise SystemExit("No campaign phase runs today in this database: load the demo (manage.py load_demo).")
    inspector = User.objects.get(username=FIELD_USERS[0])
    codes_by_category: dict[int, list[str]] = {}
    any_codes = []
    for problem in ProblemType.objects.filter(active=True).prefetch_related("categories"):
        any_codes.append(problem.code)
        for category in problem.categories.all():
            codes_by_category.setdefault(category.pk, []).append(problem.code)
    places = []
    for hotspot in usable_hotspots(inspector).order_by("pk"):
        anchor = hotspot_anchor(hotspot)
        codes = codes_by_category.get(hotspot.category_id) or any_codes
        places.append(Place(hotspot.pk, anchor.x, anchor.y, tuple(sorted(codes))))
    tasks = {}
    for user in User.objects.filter(username__in=UNIT_USERS).exclude(unit=None):
        rows = Task.objects.filter(unit_id=user.unit_id, status__in=WORKING).order_by("pk")
        tasks[user.username] = [WorkingTask(str(t.pk), t.location.x, t.location.y) for t in rows]
    return World(password=password, phase=phase.pk, places=places, tasks=tasks)
