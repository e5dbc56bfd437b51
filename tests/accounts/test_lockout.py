"""Login throttling (django-axes, database handler) on the login page, the admin's login and the API token: a
username is locked out from one address after AXES_FAILURE_LIMIT failures, a success clears the count, and an
administrator unlocks."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from accounts.lockout import client_ip
from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def throttling(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


@pytest.fixture
def inspector():
    return UserFactory(username="field_one", role=Role.INSPECTOR)


def page_login(client, password, username="field_one", address="10.1.1.1", language="en"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def token_login(api_client, password, username="field_one", address="10.1.1.1", language="en"):
    return api_client.post(
        "/api/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_login_page_locks_a_username_out_from_one_address_after_the_limit(client, inspector):
    for _ in range(LIMIT - 1):
        assert page_login(client, "wrong").status_code == 200
    locked = page_login(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert locked["Retry-After"] == "900"
    # Even the right password is refused now, from that address.
    again = page_login(client, "pw")
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    # Another address, or another username from the same address, is not locked.
    assert page_login(client, "pw", address="10.2.2.2").status_code == 302


def test_the_lockout_page_speaks_chinese(client, inspector):
    for _ in range(LIMIT):
        locked = page_login(client, "wrong", language="zh-hans")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()


def test_a_successful_sign_in_clears_the_failures(client, inspector):
    for _ in range(LIMIT - 1):
        page_login(client, "wrong")
    assert page_login(client, "pw").status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        assert page_login(client, "wrong").status_code == 200
    assert page_login(client, "pw").status_code == 302


def test_the_lockout_ends_after_the_cooloff(client, inspector):
    for _ in range(LIMIT):
        page_login(client, "wrong")
    assert page_login(client, "pw").status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert page_login(client, "pw").status_code == 302


def test_without_a_cooloff_the_lockout_waits_for_an_administrator(client, inspector, settings):
    settings.AXES_COOLOFF_TIME = None
    for _ in range(LIMIT):
        locked = page_login(client, "wrong")
    assert locked.status_code == 429 and not locked.has_header("Retry-After")
    assert "until an administrator unlocks it" in locked.content.decode()


def test_the_admin_login_is_throttled_as_well(client):
    UserFactory(username="office_admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    for _ in range(LIMIT):
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": "office_admin", "password": "wrong"},
            REMOTE_ADDR="10.1.1.1",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_the_api_token_answers_429_with_a_json_message_once_locked(api_client, inspector):
    for _ in range(LIMIT - 1):
        assert token_login(api_client, "wrong").status_code == 400
    locked = token_login(api_client, "wrong", language="zh-hans")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.json()["detail"]
    assert locked["Retry-After"] == "900"
    refused = token_login(api_client, "pw")
    assert refused.status_code == 429 and "token" not in refused.json()
    assert "Too many failed sign-ins" in refused.json()["detail"]
    assert token_login(api_client, "pw", address="10.2.2.2").status_code == 200


def test_failures_on_the_page_and_the_api_count_together(client, api_client, inspector):
    page_login(client, "wrong")
    token_login(api_client, "wrong")
    assert page_login(client, "wrong").status_code == 429
    assert token_login(api_client, "pw").status_code == 429


def test_a_token_sign_in_clears_the_failures(api_client, inspector):
    for _ in range(LIMIT - 1):
        token_login(api_client, "wrong")
    ok = token_login(api_client, "pw")
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40
    for _ in range(LIMIT - 1):
        assert token_login(api_client, "wrong").status_code == 400
    assert token_login(api_client, "pw").status_code == 200


def test_an_administrator_unlocks_in_the_admin(client, inspector):
    for _ in range(LIMIT):
        page_login(client, "wrong")
    attempt = AccessAttempt.objects.get(username="field_one")
    admin = UserFactory(username="office_admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200 and "field_one" in listing.content.decode()
    deleted = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    client.logout()
    assert page_login(client, "pw").status_code == 302


def test_a_manager_cannot_see_or_lift_lockouts(client, world):
    client.force_login(world.users.manager)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_an_administrator_unlocks_from_the_command_line(api_client, inspector):
    for _ in range(LIMIT):
        token_login(api_client, "wrong")
    call_command("axes_reset_username", "field_one")
    assert token_login(api_client, "pw").status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_is_the_one_the_proxy_appended():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.8.7")
    assert client_ip(request) == "10.9.8.7"
    bare = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    assert client_ip(bare) == "127.0.0.1"


def test_without_a_proxy_the_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "10.1.1.1"
