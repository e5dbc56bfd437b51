import pytest

pytestmark = pytest.mark.django_db


def test_map_requires_sign_in(client):
    assert client.get("/map/").status_code == 302


def map_config(client) -> dict:
    import json
    import re

    page = client.get("/map/").content.decode()
    assert 'id="map"' in page
    return json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page).group(1))


def test_map_page_gives_the_layer_sources_and_categories(client, world):
    client.force_login(world.users.manager)
    config = map_config(client)
    urls = config["urls"]
    assert urls["layers"] == "/api/layers/"
    assert urls["geojson"] == "/api/layers/{layer}.geojson"
    assert urls["aggregate"] == "/api/layers/{layer}/aggregate"
    assert urls["tiles"] == "/tiles/{layer}/{z}/{x}/{y}.pbf"
    assert urls["jurisdictions"] == "/api/jurisdictions/"
    # Registered by the inspections at start-up: geo reverses none of their URLs.
    assert urls["task"] == "/tasks/{id}/" and urls["photo"] == "/api/photos/{id}/thumbnail/"
    assert "建筑工地" in [category["name"] for category in config["categories"]]
    assert config["showUnits"] is True


def test_map_hides_unit_layer_from_field_roles(client, world):
    client.force_login(world.users.inspector)
    assert map_config(client)["showUnits"] is False


def test_basemaps_follow_the_settings(client, world, settings):
    client.force_login(world.users.manager)
    assert [basemap["id"] for basemap in map_config(client)["basemaps"]] == ["none"]  # the test settings: offline
    settings.MAP_TILES_URL = "https://tile.example/{z}/{x}/{y}.png"
    settings.MAP_AMAP_TILES_URL = "https://amap.example/{x}/{y}/{z}"
    settings.TIANDITU_KEY = "k3y"
    basemaps = {basemap["id"]: basemap for basemap in map_config(client)["basemaps"]}
    assert list(basemaps) == ["osm", "tianditu", "amap", "none"]
    assert basemaps["amap"]["crs"] == "gcj02" and basemaps["osm"]["crs"] == "wgs84"
    assert all("tk=k3y" in url for url in basemaps["tianditu"]["urls"]) and len(basemaps["tianditu"]["urls"]) == 2
    settings.TIANDITU_KEY = ""
    assert "tianditu" not in [basemap["id"] for basemap in map_config(client)["basemaps"]]


def test_admin_is_scoped_for_managers(client, world):
    from django.contrib.auth.models import Permission

    manager = world.users.west_manager
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="geo"))
    client.force_login(manager)
    page = client.get("/admin/geo/jurisdiction/").content.decode()
    assert "110106016001" in page and "110106016002" not in page


def test_admin_refuses_a_hotspot_outside_the_district(client, world):
    client.force_login(world.users.admin)
    world.users.admin.is_superuser = True
    world.users.admin.save()
    from geo.models import HotspotCategory

    response = client.post(
        "/admin/geo/hotspot/add/",
        {
            "name": "外地",
            "address": "",
            "category": HotspotCategory.objects.get(code="bus_stop").pk,
            "geometry": '{"type": "Point", "coordinates": [116.5, 39.95]}',
            "risk_level": "medium",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "outside every jurisdiction" in response.content.decode() or "不在" in response.content.decode()
