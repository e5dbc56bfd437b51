"""The import page and the admin's import tool pages: upload → preview → confirm, scoped, and refused to others."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from geo.models import Hotspot, Unit
from tests.geo.io.files import hotspots_frame, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def upload(tmp_path, kind="gpkg", frame=None):
    path = write(frame if frame is not None else hotspots_frame(), tmp_path, kind)
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_manager_previews_then_confirms(client, world, tmp_path):
    client.force_login(world.users.manager)
    page = client.post("/places/import/", {"target": "hotspots", "file": upload(tmp_path)})
    assert page.status_code == 200
    plan, token = page.context["plan"], page.context["token"]
    assert (plan.creates, plan.refusals) == (2, 0) and token
    assert not Hotspot.objects.filter(external_id__in=["H-1", "H-2"]).exists()  # a preview writes nothing
    done = client.post("/places/import/", {"token": token})
    assert done.status_code == 302
    assert Hotspot.objects.filter(external_id__in=["H-1", "H-2"]).count() == 2
    again = client.post("/places/import/", {"token": token})
    assert "no longer here" in again.context["error"]


def test_west_manager_cannot_import_into_the_east(client, world, tmp_path):
    client.force_login(world.users.west_manager)
    page = client.post("/places/import/", {"target": "hotspots", "file": upload(tmp_path)})
    assert page.context["plan"].refusals == 1
    refused = client.post("/places/import/", {"token": page.context["token"]})
    assert "refused" in refused.context["error"] and not Hotspot.objects.filter(external_id="H-1").exists()
    client.post("/places/import/", {"token": page.context["token"], "skip_refused": "1"})
    assert Hotspot.objects.filter(external_id="H-1").exists() and not Hotspot.objects.filter(external_id="H-2").exists()


def test_a_file_refused_as_a_whole_is_a_form_error(client, world, tmp_path):
    client.force_login(world.users.manager)
    page = client.post("/places/import/", {"target": "hotspots", "file": upload(tmp_path, "csv")})
    assert "coordinate reference system" in str(page.context["form"].non_field_errors())


@pytest.mark.parametrize("role", ["inspector", "volunteer", "rectifier"])
def test_other_roles_are_refused(client, world, role, tmp_path):
    client.force_login(getattr(world.users, role))
    assert client.get("/places/import/").status_code == 403
    assert client.post("/places/import/", {"target": "hotspots", "file": upload(tmp_path)}).status_code == 403


def test_a_token_of_another_session_is_nothing(client, world, tmp_path):
    client.force_login(world.users.manager)
    token = client.post("/places/import/", {"target": "hotspots", "file": upload(tmp_path)}).context["token"]
    client.force_login(world.users.west_manager)
    assert "no longer here" in client.post("/places/import/", {"token": token}).context["error"]


def test_admin_tool_page_imports_units(client, world, tmp_path):
    import shapely

    world.users.admin.is_superuser = True
    world.users.admin.save()
    client.force_login(world.users.admin)
    assert "import/" in client.get("/admin/geo/unit/").content.decode()
    frame = hotspots_frame(
        rows=[{"name": "新物业", "kind": "property_manager", "geometry": shapely.box(116.211, 39.845, 116.213, 39.847)}]
    )
    page = client.post("/admin/geo/unit/import/", {"target": "units", "file": upload(tmp_path, "geojson", frame)})
    assert page.context["plan"].creates == 1
    assert client.post("/admin/geo/unit/import/", {"token": page.context["token"]}).status_code == 302
    assert Unit.objects.get(name="新物业").jurisdiction == world.west
