"""The URLconf of the composition root: no route serves the uploaded files, whatever DEBUG says."""

import importlib.util

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import running_phase
from tests.inspections.task_builders import make_task, photo

pytestmark = pytest.mark.django_db


def urlconf_loaded_with_debug():
    """A fresh load of config/urls.py while DEBUG is on, as `make run` loads it."""
    spec = importlib.util.spec_from_file_location("config_urls_under_debug", settings.BASE_DIR / "config" / "urls.py")
    module = importlib.util.module_from_spec(spec)
    with override_settings(DEBUG=True):
        spec.loader.exec_module(module)
    return module


@pytest.fixture
def stored_photo(world):
    task = make_task(world, running_phase())
    return photo(world.users.inspector, task, lon=116.215, lat=39.845)


def test_media_files_are_not_served_under_debug_to_anyone(world, stored_photo):
    """Originals (with EXIF GPS), display copies, thumbnails and half-uploaded chunks: 404 for anonymous visitors,
    the photo's own inspector and an administrator alike; the permission-checked views still serve the owner."""
    part = default_storage.save("uploads/staging-000000000000.part", ContentFile(b"\xff\xd8 half a photo"))
    names = [stored_photo.file.original.name, stored_photo.display.name, stored_photo.thumbnail.name, part]
    assert all(default_storage.exists(name) for name in names)

    with override_settings(DEBUG=True, ROOT_URLCONF=urlconf_loaded_with_debug()):
        owner, admin = Client(), Client()
        owner.force_login(world.users.inspector)
        admin.force_login(world.users.admin)
        for client in (Client(), owner, admin):
            for name in names:
                assert client.get(f"/media/{name}").status_code == 404, name
        for variant in ("original", "display", "thumbnail"):
            url = reverse("photo-file", kwargs={"pk": stored_photo.pk, "variant": variant})
            served = owner.get(url)
            assert served.status_code == 200, variant
            assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
            assert Client().get(url).status_code in (401, 403)


def test_the_favicon_is_linked_and_served_at_favicon_ico(client, db):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/favicon.ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
