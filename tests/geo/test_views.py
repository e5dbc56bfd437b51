import pytest

pytestmark = pytest.mark.django_db


def test_map_requires_sign_in(client):
    assert client.get("/map/").status_code == 302


def test_map_page_shows_categories_and_layer_sources(client, world):
    client.force_login(world.users.manager)
    page = client.get("/map/").content.decode()
    assert 'id="map"' in page
    assert "/api/hotspots/" in page and "/api/jurisdictions/" in page
    assert "建筑工地" in page
    assert '"showUnits": true' in page


def test_map_hides_unit_layer_from_field_roles(client, world):
    client.force_login(world.users.inspector)
    assert '"showUnits": false' in client.get("/map/").content.decode()


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
