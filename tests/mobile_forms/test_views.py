"""The tablet app's pages: the shell needs a signed-in person; manifest and service worker are public and fresh."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

APP = "/m/"


@pytest.fixture
def inspector():
    return UserFactory(role=Role.INSPECTOR, first_name="Xiaoming")


def json_block(response, element_id: str) -> dict:
    pattern = rf'<script id="{element_id}" type="application/json">(.*?)</script>'
    match = re.search(pattern, response.content.decode(), re.S)
    assert match, f"the shell carries #{element_id} as JSON"
    return json.loads(match.group(1))


def app_config(response) -> dict:
    return json_block(response, "app-config")


def app_text(response) -> dict:
    return json_block(response, "app-text")


def test_the_app_lives_at_m():
    assert reverse("mobile:app") == APP
    assert reverse("mobile:manifest") == "/m/manifest.webmanifest"
    assert reverse("mobile:service-worker") == "/m/sw.js"


def test_signed_out_people_are_sent_to_sign_in_and_come_back(client):
    response = client.get(APP)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/m/"


def test_the_shell_has_manifest_config_strings_and_a_csrf_cookie(client, inspector):
    client.force_login(inspector)
    response = client.get(APP)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<link rel="manifest" href="/m/manifest.webmanifest">' in html
    assert 'type="module"' in html and "mobile/js/app.js" in html
    assert "leaflet/leaflet.js" in html and "leaflet.markercluster.js" in html
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "csrftoken" in response.cookies
    config = app_config(response)
    assert config["user"]["id"] == inspector.pk
    assert config["user"]["canInspect"] is True
    assert config["scope"] == "/m/"
    assert config["urls"]["login"] == "/accounts/login/?next=/m/"
    assert config["urls"]["sync"] == "/api/sync/"
    assert config["urls"]["hotspots"].startswith("/api/hotspots/")
    assert config["chunkSize"] == 512 * 1024
    text = app_text(response)
    assert text["startInspection"] and text["outbox"]


def test_a_rectifier_sees_the_app_but_cannot_inspect(client):
    client.force_login(UserFactory(role=Role.RECTIFIER))
    assert app_config(client.get(APP))["user"]["canInspect"] is False


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_units_member_gets_the_units_tasks_and_the_units_moves(client, world, language):
    from django.utils import translation

    with translation.override(language):
        tab, due = translation.gettext("Tasks"), translation.gettext("Due {time}")
    client.force_login(world.users.east_rectifier)
    client.cookies["django_language"] = language
    response = client.get(APP)
    config = app_config(response)
    assert config["user"]["worksOnTasks"] is True
    assert config["user"]["unit"] == {"id": world.east_committee.pk, "name": world.east_committee.display_name}
    assert config["urls"]["tasks"] == "/api/tasks/" and config["urls"]["units"] == "/api/units/"
    workflow = config["workflow"]
    # The unit's part of the workflow table, as the server applies it.
    assert [move["action"] for move in workflow["moves"]] == [
        "accept",
        "start",
        "check_in",
        "submit",
        "return",
        "request_extension",
    ]
    accept = workflow["moves"][0]
    assert (accept["sources"], accept["target"], accept["needsNote"]) == (["dispatched"], "accepted", False)
    assert "closed" not in workflow["open"] and "dispatched" in workflow["withUnit"]
    assert workflow["geofenceRadius"] == 50 and workflow["workdayEnd"] == "18:00"
    assert set(workflow["labels"]) >= {"verify", "reject", "dispatch", "register", "deadline"}
    html = response.content.decode()
    if language == "en":
        assert workflow["statuses"]["submitted"] == "Fix submitted"
        assert workflow["labels"]["check_in"] == "Arrived on site"
    assert f'data-tab="hotspots" class="tab">{tab}</a>' in html
    text = app_text(response)
    assert text["takeAfterPhoto"] and text["dueAt"] == due


def test_inspectors_keep_their_hotspots(client, world):
    client.force_login(world.users.inspector)
    config = app_config(client.get(APP))
    assert config["user"]["worksOnTasks"] is False
    # A rectifier without a unit has no tasks to show: the hotspots screen explains what they can do.
    client.force_login(UserFactory(role=Role.RECTIFIER))
    assert app_config(client.get(APP))["user"]["worksOnTasks"] is False


@pytest.mark.parametrize(
    ("language", "sign_out", "hotspots", "name"),
    [
        ("zh-hans", "退出登录", "点位", "文明创建点位巡查"),
        ("en", "Sign out", "Hotspots", "Civic hotspot inspection"),
    ],
)
def test_the_shell_and_manifest_speak_both_languages(client, inspector, language, sign_out, hotspots, name):
    client.force_login(inspector)
    client.cookies["django_language"] = language
    response = client.get(APP)
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f'data-tab="hotspots" class="tab">{hotspots}</a>' in html
    assert app_config(response)["language"] == language
    # Strings for JavaScript come translated from the template, as the managers' map does it.
    assert app_text(response)["signOut"] == sign_out
    manifest = client.get("/m/manifest.webmanifest").json()
    assert manifest["lang"] == language
    assert manifest["name"] == name


def test_the_manifest_is_public_valid_and_installable():
    from django.test import Client

    response = Client().get("/m/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/m/"
    assert manifest["scope"] == "/m/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"]
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = {icon["sizes"]: icon for icon in manifest["icons"] if icon["purpose"] == "any"}
    assert {"192x192", "512x512"} <= set(sizes)
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
    from PIL import Image

    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_service_worker_is_served_at_the_scope_fresh_and_filled_in(client):
    response = client.get("/m/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/m/"
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    source = response.content.decode()
    assert "__SW_CONFIG__" not in source and "__STATIC_URL__" not in source
    assert 'from "/static/mobile/js/sync.js"' in source
    config = json.loads(re.search(r"const CONFIG = (\{.*?\});\n", source).group(1))
    assert config["scope"] == "/m/"
    assert config["shell"] == "/m/"
    assert "/static/mobile/js/app.js" in config["precache"]
    assert "/static/mobile/js/tasks.js" in config["precache"]
    assert "/static/vendor/idb/index.js" in config["precache"]
    assert "/static/leaflet/leaflet.js" in config["precache"]
    assert "/m/session.json" in config["noCache"]
    assert config["photoEntries"] > 0
    for url in config["precache"]:
        assert finders.find(url.removeprefix("/static/")), f"{url} is precached but does not exist"


def test_the_service_worker_release_follows_the_files(client, settings):
    from mobile_forms import views

    views._release.cache_clear()
    first = views._release()
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert views._release() == first
    assert first in client.get("/m/sw.js").content.decode()


def test_the_session_probe_answers_who_is_signed_in(client, inspector):
    response = client.get("/m/session.json")
    assert response.status_code == 401
    assert response.json() == {"authenticated": False, "login": "/accounts/login/?next=/m/"}
    client.force_login(inspector)
    response = client.get("/m/session.json")
    body = response.json()
    assert body["authenticated"] is True
    assert body["user"]["id"] == inspector.pk
    assert body["csrfToken"]
    assert "no-cache" in response["Cache-Control"]
