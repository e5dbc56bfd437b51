import pytest

pytestmark = pytest.mark.django_db


def test_home_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_manager_home_offers_the_map_and_administration(client, world):
    client.force_login(world.users.manager)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/map/"' in page and 'href="/admin/"' in page
    assert "宛平城地区" in page


def test_inspector_home_offers_the_map_but_not_administration(client, world):
    client.force_login(world.users.inspector)
    page = client.get("/").content.decode()
    assert 'href="/map/"' in page and 'href="/admin/"' not in page


def test_unassigned_person_is_told_what_to_do(client, world):
    client.force_login(world.users.nobody)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not assigned to a unit or an area yet" in page


def test_pages_are_in_chinese_by_default_and_english_on_request(client, world):
    client.force_login(world.users.inspector)
    assert "退出登录" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign out" in client.get("/").content.decode()


def test_login_page_in_both_languages(client):
    assert "登录" in client.get("/accounts/login/").content.decode()
    assert "Sign in" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_field_roles_start_in_the_tablet_app_and_managers_on_the_map(client, world):
    client.force_login(world.users.inspector)
    first = client.get("/").content.decode().split('class="tile primary"')[1]
    assert 'href="/m/"' in first.split("</li>")[0]
    client.force_login(world.users.manager)
    first = client.get("/").content.decode().split('class="tile primary"')[1]
    assert 'href="/map/"' in first.split("</li>")[0]
