"""Who may do what, route by route: the table the matrix checks every URL pattern and OpenAPI operation against.

A rule names a route and method (as ``routes`` spells them), the roles that may use it, and whether it is scoped:
then only people of community A and its unit (where the scene's objects are) may, and the manager and inspector of
community B and the member of B's unit are refused like any other role. ``listed`` names an object of A's that the
answer lists to those allowed and to nobody else (lists answer others without it, or refuse them); ``owners``
replaces "community A's people" when an object is one person's own. A request the rule refuses answers
``refusals`` (or a redirect to a login page, or the admin's "does not exist" redirect), never 200 with A's data,
never 500, and for a write leaves the database as it was, unless ``others_answered`` says that others get an
answer that shows and changes nothing of A's (a list of their own, a sync batch refused item by item).
"""

import datetime as dt
import io
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from tests.inspections.conftest import photo_bytes

EVERYONE = frozenset({"anonymous", "admin", "manager", "inspector", "volunteer", "rectifier"})
SIGNED_IN = EVERYONE - {"anonymous"}
FIELD = frozenset({"admin", "manager", "inspector", "volunteer"})
TASK_PEOPLE = frozenset({"admin", "manager", "inspector", "rectifier"})
VERIFIERS = frozenset({"admin", "manager", "inspector"})
MANAGERS = frozenset({"admin", "manager"})
STAFF = MANAGERS  # the scene's staff: the administrator and the managers, with every right on the scoped admins
ADMINS = frozenset({"admin"})
NOBODY = frozenset()
REFUSED = frozenset({401, 403, 404})


@dataclass(frozen=True)
class Rule:
    method: str
    route: str
    who: frozenset[str]
    scoped: bool = True
    url: Callable | None = None  # scene → the URL requested (default: the route itself)
    body: Callable | None = None  # scene → the data sent
    form: str = "json"  # json | multipart | form
    listed: Callable | None = None  # scene → what the answer shows those allowed (an id, or a snippet of a page)
    owners: frozenset[str] | None = None  # the people in scope, when not community A's
    others_answered: bool = False
    refusals: frozenset[int] = REFUSED
    variant: str = ""

    @property
    def writes(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.method, self.route, self.variant) if part)

    def allows(self, persona) -> bool:
        if persona.role not in self.who:
            return False
        if not self.scoped:
            return True
        return persona.name in self.owners if self.owners is not None else persona.own


def _pk(name):
    return lambda s: str(_get(s, name).pk)


def _get(scene, dotted):
    value = scene
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def _at(template, **names):
    """A URL from a template whose {name} are filled with the scene's objects' primary keys."""
    return lambda s: template.format(**{key: _get(s, dotted).pk for key, dotted in names.items()})


def _tile(layer: str) -> Callable:
    """The z12 tile holding the scene (all of community A's places), as /tiles/<layer>/<z>/<x>/<y>.pbf."""
    z, lon, lat = 12, 116.21, 39.845
    x = int((lon + 180.0) / 360.0 * 2**z)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * 2**z)
    return lambda s: f"/tiles/{layer}/{z}/{x}/{y}.pbf"


def _day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def _inspection_body(s):
    now = timezone.now()
    return {
        "id": str(uuid.uuid4()),
        "phase": s.phase.pk,
        "location": {"lon": 116.2152, "lat": 39.8452},
        "started_at": (now - dt.timedelta(minutes=20)).isoformat(),
        "ended_at": now.isoformat(),
        "position": {"lon": 116.2152, "lat": 39.8452, "accuracy": 6},
        "answers": {},
        "findings": [
            {
                "id": str(uuid.uuid4()),
                "problem_type": "exposed_garbage",
                "severity": "minor",
                "location": {"lon": 116.2152, "lat": 39.8452},
            },
        ],
    }


def _photo_body(s):
    upload = io.BytesIO(photo_bytes(lat=39.84502, lon=116.21502, hours_ago=0.1, seed=77))
    upload.name = "before.jpg"
    return {"file": upload, "finding": str(s.finding.pk), "role": "before"}


def _sync_body(s):
    move = {"type": "task_move", "id": str(uuid.uuid4()), "task": str(s.task.pk), "action": "accept"}
    return {"device": "matrix-tablet", "items": [move]}


def _round_form(s):
    return {
        "title": "西社区巡查（矩阵）",
        "jurisdiction": s.world.west.pk,
        "day": _day(1),
        "inspectors": [s.people["inspector"].pk],
        "hotspots": [s.hotspot.pk, s.stop_left_hotspot.pk],
    }


ROUND_OWNERS = frozenset({"admin", "manager", "inspector"})  # A's staff, and the inspector the round is assigned to
TASK = "/api/tasks/{id}/"
MOVE = "/api/tasks/{id}/transition/"

RULES: list[Rule] = [
    # Pages
    Rule("GET", "/", SIGNED_IN, scoped=False),
    Rule("GET", "/favicon.ico", EVERYONE, scoped=False),
    Rule("GET", "/accounts/login/", EVERYONE, scoped=False),
    Rule("POST", "/accounts/logout/", EVERYONE, scoped=False, url=lambda s: "/accounts/logout/?next=/map/"),
    Rule("POST", "/i18n/setlang/", EVERYONE, scoped=False, body=lambda s: {"language": "en"}, form="form"),
    Rule("GET", "/map/", SIGNED_IN, scoped=False),
    Rule("GET", "/inspections/", FIELD, listed=lambda s: f"/inspections/{s.inspection.pk}/", others_answered=True),
    Rule("GET", "/inspections/{id}/", FIELD, url=_at("/inspections/{id}/", id="inspection")),
    Rule(
        "GET",
        "/tasks/",
        TASK_PEOPLE,
        url=lambda s: "/tasks/?queue=all",
        listed=lambda s: f"/tasks/{s.task.pk}/",
        others_answered=True,
    ),
    Rule("GET", "/tasks/{id}/", TASK_PEOPLE, url=_at("/tasks/{id}/", id="task")),
    Rule(
        "POST",
        "/tasks/{id}/",
        {"rectifier"},
        url=_at("/tasks/{id}/", id="task"),
        body=lambda s: {"action": "accept"},
        form="form",
        variant="accept",
    ),
    Rule(
        "POST",
        "/tasks/{id}/",
        MANAGERS,
        url=_at("/tasks/{id}/", id="task"),
        body=lambda s: {"action": "void", "note": "重复上报"},
        form="form",
        variant="void",
    ),
    # The bulk close (结案) answers a manager of another area item by item: their tasks only, none of A's closed.
    Rule(
        "POST",
        "/tasks/close/",
        MANAGERS,
        body=lambda s: {"task": str(s.task.pk)},
        form="form",
        others_answered=True,
    ),
    Rule("GET", "/tasks/metrics/", TASK_PEOPLE, scoped=False),
    Rule(
        "GET",
        "/notifications/",
        SIGNED_IN,
        owners={"rectifier"},
        others_answered=True,
        listed=lambda s: f"/notifications/{s.notification.pk}/",
    ),
    Rule(
        "GET",
        "/notifications/{id}/",
        SIGNED_IN,
        owners={"rectifier"},
        url=_at("/notifications/{id}/", id="notification"),
    ),
    Rule(
        "POST",
        "/notifications/{id}/read/",
        SIGNED_IN,
        owners={"rectifier"},
        url=_at("/notifications/{id}/read/", id="notification"),
    ),
    Rule("POST", "/notifications/read-all/", SIGNED_IN, owners={"rectifier"}, others_answered=True),
    # The dashboard: managers, over their area (another area's manager gets their own figures)
    Rule("GET", "/dashboard/", MANAGERS, listed=lambda s: f'data-community="{s.world.west.pk}"', others_answered=True),
    Rule(
        "GET",
        "/dashboard/export/{table}/",
        MANAGERS,
        others_answered=True,
        url=lambda s: f"/dashboard/export/community-ranking/?phase={s.phase.pk}",
    ),
    Rule(
        "GET",
        "/dashboard/briefings/",
        MANAGERS,
        listed=lambda s: f'data-briefing="{s.briefing.pk}"',
        others_answered=True,
    ),
    Rule(
        "POST",
        "/dashboard/briefings/",
        MANAGERS,
        scoped=False,
        body=lambda s: {"phase": s.phase.pk, "start": _day(-6), "end": _day(0)},
        form="form",
    ),
    Rule(
        "GET",
        "/dashboard/briefings/{id}/progress/",
        MANAGERS,
        url=_at("/dashboard/briefings/{id}/progress/", id="briefing"),
    ),
    Rule(
        "GET", "/dashboard/briefings/{id}/{kind}/", MANAGERS, url=_at("/dashboard/briefings/{id}/docx/", id="briefing")
    ),
    # Inspection rounds: planned by managers in their area, seen by the inspectors they are assigned to
    Rule("GET", "/rounds/", MANAGERS, listed=lambda s: f'data-round="{s.round.pk}"', others_answered=True),
    Rule("GET", "/rounds/new/", MANAGERS, scoped=False),
    Rule("POST", "/rounds/new/", MANAGERS, body=_round_form, form="form", refusals=REFUSED | {400}),
    Rule(
        "GET",
        "/rounds/coverage/",
        MANAGERS,
        listed=lambda s: f'data-stop="{s.stop_left.pk}"',
        others_answered=True,
    ),
    Rule("GET", "/rounds/{id}/", MANAGERS, url=_at("/rounds/{id}/", id="round")),
    Rule("GET", "/rounds/{id}/edit/", MANAGERS, url=_at("/rounds/{id}/edit/", id="round")),
    Rule(
        "POST", "/rounds/{id}/edit/", MANAGERS, url=_at("/rounds/{id}/edit/", id="round"), body=_round_form, form="form"
    ),
    Rule("POST", "/rounds/{id}/delete/", MANAGERS, url=_at("/rounds/{id}/delete/", id="round"), form="form"),
    Rule(
        "POST",
        "/rounds/{id}/stops/{stop}/move/",
        MANAGERS,
        url=_at("/rounds/{id}/stops/{stop}/move/", id="round", stop="stop_left"),
        body=lambda s: {"direction": "up"},
        form="form",
    ),
    # GIS import of places (managers, inside their area: the rows outside it are refused in the preview)
    Rule("GET", "/places/import/", MANAGERS, scoped=False),
    # The tablet app
    Rule("GET", "/m/", SIGNED_IN, scoped=False),
    Rule("GET", "/m/manifest.webmanifest", EVERYONE, scoped=False),
    Rule("GET", "/m/sw.js", EVERYONE, scoped=False),
    Rule("GET", "/m/session.json", SIGNED_IN, scoped=False),
    # API
    Rule("GET", "/api/", SIGNED_IN, scoped=False),
    Rule(
        "POST",
        "/api/auth/token/",
        EVERYONE,
        scoped=False,
        body=lambda s: {"username": "west_inspector", "password": "pw"},
    ),
    Rule("GET", "/api/schema/", EVERYONE, scoped=False),
    Rule("GET", "/api/docs/", EVERYONE, scoped=False),
    Rule("GET", "/api/jurisdictions/", SIGNED_IN, listed=_pk("world.cell"), others_answered=True),
    Rule("GET", "/api/jurisdictions/{id}/", SIGNED_IN, url=_at("/api/jurisdictions/{id}/", id="world.cell")),
    Rule("GET", "/api/units/", SIGNED_IN, listed=_pk("world.west_committee"), others_answered=True),
    Rule("GET", "/api/units/{id}/", SIGNED_IN, url=_at("/api/units/{id}/", id="world.west_committee")),
    Rule("GET", "/api/hotspots/", SIGNED_IN, listed=_pk("hotspot"), others_answered=True),
    Rule("GET", "/api/hotspots/{id}/", SIGNED_IN, url=_at("/api/hotspots/{id}/", id="hotspot")),
    Rule("GET", "/api/layers/", SIGNED_IN, scoped=False),
    Rule(
        "GET",
        "/api/layers/{layer}.geojson",
        TASK_PEOPLE,
        url=lambda s: "/api/layers/tasks.geojson",
        listed=_pk("task"),
        others_answered=True,
        variant="tasks",
    ),
    Rule(
        "GET",
        "/api/layers/{layer}.geojson",
        FIELD | {"rectifier"},
        url=lambda s: "/api/layers/findings.geojson",
        listed=_pk("finding"),
        others_answered=True,
        variant="findings",
    ),
    Rule(
        "GET",
        "/api/layers/{layer}.geojson",
        SIGNED_IN,
        url=lambda s: "/api/layers/hotspots.geojson",
        listed=_pk("hotspot"),
        others_answered=True,
        variant="hotspots",
    ),
    # A tile holds the ids of tasks and findings as the text property "id"; a hotspot's id is the feature id (a
    # number), so its name is what the tile shows.
    Rule(
        "GET",
        "/tiles/{layer}/{z}/{x}/{y}.pbf",
        TASK_PEOPLE,
        url=_tile("tasks"),
        listed=_pk("task"),
        others_answered=True,
        variant="tasks",
    ),
    Rule(
        "GET",
        "/tiles/{layer}/{z}/{x}/{y}.pbf",
        FIELD | {"rectifier"},
        url=_tile("findings"),
        listed=_pk("finding"),
        others_answered=True,
        variant="findings",
    ),
    Rule(
        "GET",
        "/tiles/{layer}/{z}/{x}/{y}.pbf",
        SIGNED_IN,
        url=_tile("hotspots"),
        listed=lambda s: s.hotspot.name,
        others_answered=True,
        variant="hotspots",
    ),
    Rule(
        "GET",
        "/api/layers/{layer}.geojson",
        FIELD,
        owners=ROUND_OWNERS,
        url=lambda s: "/api/layers/coverage.geojson",
        listed=_pk("stop_left"),
        others_answered=True,
        variant="coverage",
    ),
    Rule("GET", "/api/rounds/", FIELD, owners=ROUND_OWNERS, listed=_pk("round"), others_answered=True),
    Rule("GET", "/api/rounds/{id}/", FIELD, owners=ROUND_OWNERS, url=_at("/api/rounds/{id}/", id="round")),
    # Exports: scoped exactly like the GeoJSON (read as GeoJSON here, so that the listed id shows).
    Rule(
        "GET",
        "/api/layers/{layer}/export",
        TASK_PEOPLE,
        url=lambda s: "/api/layers/tasks/export?format=geojson",
        listed=_pk("task"),
        others_answered=True,
        variant="tasks",
    ),
    Rule(
        "GET",
        "/api/layers/{layer}/export",
        FIELD | {"rectifier"},
        url=lambda s: "/api/layers/findings/export?format=geojson",
        listed=_pk("finding"),
        others_answered=True,
        variant="findings",
    ),
    Rule(
        "GET",
        "/api/layers/{layer}/export",
        SIGNED_IN,
        url=lambda s: "/api/layers/hotspots/export?format=geojson",
        listed=_pk("hotspot"),
        others_answered=True,
        variant="hotspots",
    ),
    # Background exports: asked for by whoever may open the layer (for their own scope), then their own only.
    Rule(
        "POST",
        "/api/layers/{layer}/exports/",
        TASK_PEOPLE,
        scoped=False,
        url=lambda s: "/api/layers/tasks/exports/",
        body=lambda s: {"format": "csv", "with_photos": True, "filters": {"status": ["open"]}},
    ),
    Rule("GET", "/api/exports/", SIGNED_IN, owners={"manager"}, listed=_pk("export"), others_answered=True),
    Rule("GET", "/api/exports/{id}/", SIGNED_IN, owners={"manager"}, url=_at("/api/exports/{id}/", id="export")),
    Rule(
        "GET", "/api/exports/{id}/file", SIGNED_IN, owners={"manager"}, url=_at("/api/exports/{id}/file", id="export")
    ),
    Rule(
        "GET",
        "/exports/",
        SIGNED_IN,
        owners={"manager"},
        listed=lambda s: f'data-export="{s.export.pk}"',
        others_answered=True,
    ),
    Rule(
        "GET",
        "/api/layers/{layer}.geojson",
        SIGNED_IN,
        url=lambda s: "/api/layers/jurisdictions.geojson",
        listed=_pk("world.cell"),
        others_answered=True,
        variant="jurisdictions",
    ),
    Rule("GET", "/api/route/", FIELD, url=lambda s: "/api/route/?lon=116.215&lat=39.845"),
    Rule("GET", "/api/problem-types/", SIGNED_IN, scoped=False),
    Rule(
        "GET",
        "/api/problem-types/{code}/",
        SIGNED_IN,
        scoped=False,
        url=lambda s: "/api/problem-types/exposed_garbage/",
    ),
    Rule("GET", "/api/campaigns/", SIGNED_IN, scoped=False),
    Rule("GET", "/api/campaigns/{id}/", SIGNED_IN, scoped=False, url=_at("/api/campaigns/{id}/", id="phase.campaign")),
    Rule("GET", "/api/checklists/", SIGNED_IN, scoped=False),
    Rule("GET", "/api/checklists/{id}/", SIGNED_IN, scoped=False, url=_at("/api/checklists/{id}/", id="version")),
    Rule("GET", "/api/inspections/", FIELD, listed=_pk("inspection"), others_answered=True),
    Rule("POST", "/api/inspections/", FIELD, body=_inspection_body, refusals=REFUSED | {400}),
    Rule("GET", "/api/inspections/{id}/", FIELD, url=_at("/api/inspections/{id}/", id="inspection")),
    Rule("GET", "/api/findings/", FIELD | {"rectifier"}, listed=_pk("finding"), others_answered=True),
    Rule("GET", "/api/findings/{id}/", FIELD | {"rectifier"}, url=_at("/api/findings/{id}/", id="finding")),
    Rule("GET", "/api/photos/{id}/", FIELD | {"rectifier"}, url=_at("/api/photos/{id}/", id="photo")),
    Rule("HEAD", "/api/photos/{id}/", FIELD | {"rectifier"}, url=_at("/api/photos/{id}/", id="photo")),
    Rule(
        "PUT",
        "/api/photos/{id}/",
        MANAGERS | {"inspector"},
        url=lambda s: f"/api/photos/{uuid.uuid4()}/",
        body=_photo_body,
        form="multipart",
        refusals=REFUSED | {400},
    ),
    Rule(
        "GET", "/api/photos/{id}/{variant}/", FIELD | {"rectifier"}, url=_at("/api/photos/{id}/thumbnail/", id="photo")
    ),
    Rule("GET", "/api/tasks/", TASK_PEOPLE, listed=_pk("task"), others_answered=True),
    Rule("GET", TASK, TASK_PEOPLE, url=_at(TASK, id="task")),
    Rule("POST", "/api/tasks/close/", MANAGERS, body=lambda s: {"tasks": [str(s.task.pk)]}, others_answered=True),
    Rule("POST", MOVE, {"rectifier"}, url=_at(MOVE, id="task"), body=lambda s: {"action": "accept"}, variant="accept"),
    Rule(
        "POST",
        MOVE,
        MANAGERS,
        url=_at(MOVE, id="task"),
        body=lambda s: {"action": "void", "note": "重复上报"},
        variant="void",
    ),
    Rule("POST", MOVE, VERIFIERS, url=_at(MOVE, id="submitted"), body=lambda s: {"action": "verify"}, variant="verify"),
    Rule(
        "GET",
        "/api/metrics/",
        TASK_PEOPLE,
        listed=_pk("world.west_committee"),
        others_answered=True,
        url=lambda s: f"/api/metrics/?group=unit&start={_day(-30)}&end={_day(60)}",
    ),
    Rule(
        "GET",
        "/api/layers/{layer}/aggregate",
        TASK_PEOPLE,
        listed=_pk("world.west"),
        others_answered=True,
        url=lambda s: "/api/layers/tasks/aggregate?cell=community",
    ),
    Rule("GET", "/api/dashboard/", MANAGERS, others_answered=True, url=lambda s: f"/api/dashboard/?phase={s.phase.pk}"),
    Rule(
        "GET",
        "/api/rankings/",
        MANAGERS,
        listed=_pk("world.west"),
        others_answered=True,
        url=lambda s: f"/api/rankings/?phase={s.phase.pk}&level=community",
    ),
    Rule(
        "GET",
        "/api/rankings/",
        MANAGERS,
        listed=_pk("world.west_committee"),
        others_answered=True,
        url=lambda s: f"/api/rankings/?phase={s.phase.pk}&level=unit",
        variant="unit",
    ),
    Rule(
        "GET",
        "/api/scores/",
        MANAGERS,
        listed=_pk("hotspot"),
        others_answered=True,
        url=lambda s: f"/api/scores/?phase={s.phase.pk}",
    ),
    Rule(
        "GET", "/api/notifications/", SIGNED_IN, owners={"rectifier"}, listed=_pk("notification"), others_answered=True
    ),
    Rule(
        "POST",
        "/api/notifications/{id}/read/",
        SIGNED_IN,
        owners={"rectifier"},
        url=_at("/api/notifications/{id}/read/", id="notification"),
    ),
    Rule("POST", "/api/notifications/read-all/", SIGNED_IN, owners={"rectifier"}, others_answered=True),
    Rule("POST", "/api/sync/", {"rectifier"}, body=_sync_body, others_answered=True),
    # Open311: anybody reads; whoever holds a client's API key posts (the key, not a sign-in, is the permission).
    Rule("GET", "/open311/v2/discovery.{fmt}", EVERYONE, scoped=False, url=lambda s: "/open311/v2/discovery.xml"),
    Rule("GET", "/open311/v2/services.{fmt}", EVERYONE, scoped=False, url=lambda s: "/open311/v2/services.json"),
    Rule(
        "GET",
        "/open311/v2/services/{service_code}.{fmt}",
        EVERYONE,
        scoped=False,
        url=lambda s: "/open311/v2/services/exposed_garbage.json",
    ),
    Rule("GET", "/open311/v2/requests.{fmt}", EVERYONE, scoped=False, url=lambda s: "/open311/v2/requests.json"),
    Rule(
        "POST",
        "/open311/v2/requests.{fmt}",
        EVERYONE,
        scoped=False,
        url=lambda s: "/open311/v2/requests.json",
        body=lambda s: {"api_key": s.open311_key, "service_code": "plastic_litter", "lat": 39.842, "long": 116.226},
        form="form",
    ),
    Rule(
        "POST",
        "/open311/v2/requests.{fmt}",
        NOBODY,
        scoped=False,
        url=lambda s: "/open311/v2/requests.xml",
        body=lambda s: {"api_key": "a-guess", "service_code": "plastic_litter", "lat": 39.842, "long": 116.226},
        form="form",
        variant="wrong key",
    ),
    Rule(
        "GET",
        "/open311/v2/requests/{service_request_id}.{fmt}",
        EVERYONE,
        scoped=False,
        url=lambda s: f"/open311/v2/requests/{s.public_report.finding_id}.xml",
    ),
]
