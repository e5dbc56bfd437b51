"""Hostile admin forms: a community manager's tampered POSTs (choices the form never offered, ids beyond 64 bits),
geometry text that is not a shape, not in WGS84 or not in the manager's area, and script in names. Each is refused
with the form error on the page (200, the form shown again), the script shown escaped, and nothing stored: no new
row, and the edited object exactly as it was."""

import dataclasses

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import User
from geo.models import Hotspot, HotspotCategory, Jurisdiction, Unit
from inspections.models import ProblemType
from tests.admin_forms import admin_post
from tests.hostile.corpus import Stored, assert_nothing_stored, assert_readable, human_message, resolve, value

pytestmark = pytest.mark.django_db

XSS = "<script>alert('x')</script>"


@dataclasses.dataclass(frozen=True)
class AdminCase:
    name: str
    url: object  # a path, or a callable of the scene
    changes: dict  # field → value, or a callable of the scene
    field: str  # the field whose error the page must show
    message: str | None = None
    user: str = "west"  # "west": the west community's manager; "admin": a superuser

    def __str__(self) -> str:
        return self.name


def hotspot(scene, **fields):
    return {
        "name": "新点位",
        "category": HotspotCategory.objects.get(code="old_compound").pk,
        "risk_level": "medium",
        "geometry": "SRID=4326;POINT(116.21 39.847)",
        **fields,
    }


def add_hotspot(title, field, message=None, user="west", **fields):
    return AdminCase(title, "/admin/geo/hotspot/add/", lambda s: hotspot(s, **fields), field, message, user)


def unit_change(title, field, message=None, user="west", **fields):
    return AdminCase(
        title, lambda s: f"/admin/geo/unit/{s.world.west_committee.pk}/change/", fields, field, message, user
    )


def jurisdiction_change(title, field, message=None, user="west", **fields):
    return AdminCase(
        title, lambda s: f"/admin/geo/jurisdiction/{s.world.west.pk}/change/", fields, field, message, user
    )


def person_change(title, field, message=None, **fields):
    return AdminCase(
        title, lambda s: f"/admin/accounts/user/{s.world.users.rectifier.pk}/change/", fields, field, message
    )


TAMPERED = [
    add_hotspot(
        "hotspot sponsored by a unit of the whole area",
        "sponsoring_unit",
        "inside your area",
        sponsoring_unit=lambda s: s.world.squad.pk,
    ),
    add_hotspot("hotspot category that does not exist", "category", "valid choice", category=2**31 - 1),
    add_hotspot("hotspot risk level not offered", "risk_level", "valid choice", risk_level="apocalyptic"),
    unit_change(
        "unit moved up to the area", "jurisdiction", "inside your area", jurisdiction=lambda s: s.world.area.pk
    ),
    unit_change("unit jurisdiction beyond 64 bits", "jurisdiction", "inside your area", jurisdiction=str(2**70)),
    unit_change("unit routing priority lowered", "routing_priority", "Only administrators", routing_priority=-5),
    AdminCase(
        "grid cell added under the district",
        "/admin/geo/jurisdiction/add/",
        lambda s: {
            "code": "110106016001009",
            "name": "新网格",
            "kind": "grid",
            "parent": s.world.district.pk,
            "boundary": "SRID=4326;MULTIPOLYGON(((116.205 39.842,116.215 39.842,116.215 39.848,116.205 39.842)))",
        },
        "parent",
        "inside your area",
    ),
    person_change("person given a unit of the whole area", "unit", "inside your area", unit=lambda s: s.world.squad.pk),
    person_change("person made an administrator", "role", "Only administrators", role="admin"),
    person_change(
        "person given a jurisdiction id that is SQL", "jurisdiction", "inside your area", jurisdiction="1 OR 1=1"
    ),
]

GEOMETRY = [
    add_hotspot("geometry that is not WKT", "geometry", None, geometry="POINT(east north)"),
    add_hotspot(
        "polygon whose ring is not closed",
        "geometry",
        None,
        geometry="SRID=4326;POLYGON((116.205 39.845,116.21 39.845,116.21 39.85))",
    ),
    add_hotspot(
        "point in web mercator at 0,0", "geometry", "outside every jurisdiction", geometry="SRID=3857;POINT(0 0)"
    ),
    add_hotspot(
        "point with latitude and longitude swapped", "geometry", "swapped", geometry="SRID=4326;POINT(39.847 116.21)"
    ),
    add_hotspot("empty point", "geometry", None, geometry="SRID=4326;POINT EMPTY"),
    add_hotspot("empty collection", "geometry", None, user="admin", geometry="SRID=4326;GEOMETRYCOLLECTION EMPTY"),
    add_hotspot("point beyond 180", "geometry", "WGS84", user="admin", geometry="SRID=4326;POINT(216.21 39.847)"),
    add_hotspot(
        "point in an unknown SRID", "geometry", "reference system", user="admin", geometry="SRID=999999;POINT(1 1)"
    ),
    add_hotspot(
        "GeoJSON outside the district",
        "geometry",
        "outside every jurisdiction",
        geometry='{"type": "Point", "coordinates": [121.47, 31.23]}',
    ),
    unit_change(
        "service area collapsed to a line",
        "service_area",
        "cannot be repaired",
        user="admin",
        service_area="SRID=4326;MULTIPOLYGON(((116.2 39.84,116.21 39.85,116.2 39.84,116.2 39.84)))",
    ),
    unit_change(
        "service area over the east community",
        "service_area",
        "outside your area",
        service_area="SRID=4326;MULTIPOLYGON(((116.225 39.842,116.235 39.842,116.235 39.848,116.225 39.842)))",
    ),
    jurisdiction_change(
        "boundary self-intersecting over the whole area",
        "boundary",
        "outside your area",
        boundary="SRID=4326;MULTIPOLYGON(((116.2 39.84,116.24 39.86,116.24 39.84,116.2 39.86,116.2 39.84)))",
    ),
]

SCRIPT_IN_NAMES = [
    add_hotspot(
        "hotspot named with a script, outside the area",
        "geometry",
        "outside your area",
        name=XSS,
        geometry="SRID=4326;POINT(116.23 39.847)",
    ),
    unit_change(
        "unit named with a script, priority raised",
        "routing_priority",
        "Only administrators",
        name=XSS,
        routing_priority=99,
    ),
    AdminCase(
        "problem type coded with a script",
        "/admin/inspections/problemtype/add/",
        {
            "code": XSS,
            "name": XSS,
            "name_en": XSS,
            "default_severity": "minor",
            "deadline_days_minor": -1,
            "deadline_days_major": 3,
            "deadline_days_severe": 1,
            "sort_order": 0,
            "active": True,
        },
        "code",
        "slug",
        user="admin",
    ),
]

CASES = TAMPERED + GEOMETRY + SCRIPT_IN_NAMES


@pytest.fixture
def admins(scene):
    """Signed-in admin clients: the west community's manager (staff with every right on places and people) and a
    superuser, both in English."""
    manager = scene.world.users.west_manager
    manager.is_staff = True
    manager.save()
    for model in ("jurisdiction", "unit", "hotspot", "user"):
        for action in ("add", "change", "view", "delete"):
            manager.user_permissions.add(Permission.objects.get(codename=f"{action}_{model}"))
    superuser = User.objects.create_superuser("root", "root@example.org", "pw")
    clients = {}
    for key, user in (("west", manager), ("admin", superuser)):
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = "en"
        clients[key] = client
    return clients


EDITED = {
    "geo/unit": Unit,
    "geo/jurisdiction": Jurisdiction,
    "geo/hotspot": Hotspot,
    "accounts/user": User,
    "inspections/problemtype": ProblemType,
}


def edited_row(url: str):
    """The row a change form edits, as stored (None for an add form)."""
    parts = url.strip("/").split("/")
    if parts[-1] != "change":
        return None
    model = EDITED["/".join(parts[1:3])]
    return model.objects.filter(pk=parts[3]).values().get()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_admin_form(scene, admins, case, monkeypatch):
    client = admins[case.user]
    url = value(case.url, scene)
    changes = resolve(value(case.changes, scene), scene)
    before, row = Stored.now(), edited_row(url)
    responses = []
    original_post = client.post
    monkeypatch.setattr(
        client, "post", lambda *args, **kw: responses.append(original_post(*args, **kw)) or responses[-1]
    )
    errors = admin_post(client, url, **changes)
    assert case.field in errors, f"{case.name}: no error on {case.field}: {errors}"
    (response,) = responses
    assert response.status_code == 200
    assert_readable(human_message(response), case.message)
    page = response.content.decode()
    assert XSS not in page and "<script>alert" not in page, "a name was put on the page unescaped"
    assert_nothing_stored(before, Stored.now())
    assert edited_row(url) == row, "the edited object changed"
