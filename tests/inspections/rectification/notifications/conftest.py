"""Tasks made through the real services, the people they concern, and a local HTTP server standing in for robots."""

import datetime as dt
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.models import Role
from inspections.evidence.inspections import FindingInput, InspectionInput, inspection_submit
from inspections.models import CalendarDay, ProblemType, Task
from inspections.rectification.tasks import MoveInput, task_transition
from tests.factories import UserFactory
from tests.inspections.conftest import as_upload, photo_bytes

# In the east community on no hotspot: routed to the east committee by its service area.
EAST = Point(116.2305, 39.8460, srid=4326)
# In the west community on no hotspot: routed to the west committee.
WEST = Point(116.2102, 39.8452, srid=4326)


@pytest.fixture(autouse=True)
def next_years_calendar(db):
    """Deadlines set from today may fall in 2027, which the calendar package does not know: one day entered by the
    office makes that year follow the Monday–Friday rule (``inspections.rectification.workdays``)."""
    CalendarDay.objects.get_or_create(date=dt.date(2027, 1, 1), defaults={"name": "元旦"})


@pytest.fixture
def people(world):
    """The east committee's members (one inactive), its head, and managers of the east, the west and the area."""
    east = world.east_committee
    world.users.east_rectifier.email = "east@example.org"
    world.users.east_rectifier.language = "en"
    world.users.east_rectifier.save()
    world.users.manager.email = "manager@example.org"
    world.users.manager.save()
    return SimpleNamespace(
        member=world.users.east_rectifier,
        colleague=UserFactory(
            username="east_colleague", role=Role.RECTIFIER, unit=east, email="colleague@example.org", language="zh-hans"
        ),
        head=UserFactory(
            username="east_head",
            role=Role.RECTIFIER,
            unit=east,
            is_unit_head=True,
            email="head@example.org",
            language="zh-hans",
        ),
        gone=UserFactory(
            username="east_gone", role=Role.RECTIFIER, unit=east, email="gone@example.org", is_active=False
        ),
        east_manager=UserFactory(username="east_manager", role=Role.MANAGER, jurisdiction=world.east),
        area_manager=world.users.manager,
        west_manager=world.users.west_manager,
        west_member=world.users.rectifier,
        inspector=world.users.inspector,
    )


@pytest.fixture
def register(world, phase, django_capture_on_commit_callbacks):
    """Store an inspection with one finding (as an inspector, or a volunteer: triage); returns the finding's task."""

    def make(*, location=EAST, problem="street_vending", severity="major", user=None) -> Task:
        data = InspectionInput(
            id=uuid.uuid4(),
            phase=phase,
            started_at=timezone.now() - dt.timedelta(minutes=10),
            location=location,
            findings=[
                FindingInput(
                    id=uuid.uuid4(),
                    problem_type=ProblemType.objects.get(code=problem),
                    severity=severity,
                    description="摊位侵占人行道",
                )
            ],
        )
        with django_capture_on_commit_callbacks(execute=True):
            inspection, _ = inspection_submit(user=user or world.users.inspector, data=data)
        return Task.objects.select_related("unit", "finding").get(finding__inspection=inspection)

    return make


@pytest.fixture
def move(django_capture_on_commit_callbacks):
    """Make one move through the workflow service, running what happens after its commit."""

    def make(user, task, action, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            result = task_transition(user=user, task_id=task.pk, data=MoveInput(action=action, **fields))
        task.refresh_from_db()
        return result

    return make


@pytest.fixture
def submitted(client_for, move):
    """Take a dispatched task to "submitted": accepted, started, and an after-photo taken on site."""

    def make(task, member):
        move(member, task, "accept")
        move(member, task, "start")
        photo_id = uuid.uuid4()
        data = photo_bytes(lat=task.location.y, lon=task.location.x, seed=7)
        response = client_for(member).put(
            f"/api/photos/{photo_id}/",
            {"file": as_upload(data), "finding": str(task.finding_id), "role": "after"},
            format="multipart",
        )
        assert response.status_code == 201, response.content
        move(member, task, "submit", photos=[photo_id])
        return task

    return make


class Robot:
    """A local HTTP endpoint standing in for a group robot: it records each POST and answers as it is told."""

    def __init__(self):
        self.posts: list[dict] = []
        self.answers: list[tuple[int, object, float]] = []  # (status, body, delay) for the next posts
        self.lock = threading.Lock()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                body = json.loads(raw or b"null")
                with robot.lock:
                    robot.posts.append({"path": self.path, "body": body, "raw": raw, "headers": dict(self.headers)})
                    status, answer, delay = robot.answers.pop(0) if robot.answers else (200, {"errcode": 0}, 0)
                if delay:
                    time.sleep(delay)
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/cgi-bin/webhook/send?key=test") -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def answer(self, status: int = 200, body: object = None, delay: float = 0) -> None:
        self.answers.append((status, {"errcode": 0, "errmsg": "ok"} if body is None else body, delay))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot(settings):
    """The local robot, on loopback: reachable because an administrator allowed its host."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    endpoint = Robot()
    yield endpoint
    endpoint.close()


@pytest.fixture
def with_robot(world, robot):
    """Give the east committee a group robot of the given format at the local endpoint."""

    def set_format(webhook_format: str = "wecom", secret: str = ""):
        unit = world.east_committee
        unit.webhook_url = robot.url()
        unit.webhook_format = webhook_format
        unit.webhook_secret = secret
        unit.save()
        return unit

    return set_format
