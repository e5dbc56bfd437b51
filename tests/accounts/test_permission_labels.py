"""Permission names and the admin's JavaScript widgets in the reader's language (they are stored or shipped in
English)."""

import polib
import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.utils import translation
from django.views.i18n import JavaScriptCatalog

from accounts.permission_labels import permission_label

pytestmark = pytest.mark.django_db


def test_default_permissions_are_named_in_the_language():
    permission = Permission.objects.select_related("content_type").get(codename="add_user")
    with translation.override("zh-hans"):
        assert permission_label(permission) == "账户 | 用户 | 可添加用户"
    with translation.override("en"):
        assert permission_label(permission).endswith("| Can add user")


def test_the_user_and_group_widgets_list_them_translated(admin_client, world):
    for url in ("/admin/auth/group/add/", f"/admin/accounts/user/{world.users.manager.pk}/change/"):
        html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "可查看任务" in html and "Can add user" not in html, url


def test_a_manager_reads_a_persons_permissions_translated(client, world):
    manager = world.users.manager
    manager.user_permissions.add(Permission.objects.get(codename="view_user"))
    person = world.users.inspector
    person.user_permissions.add(Permission.objects.get(codename="view_task"))
    client.force_login(manager)
    html = client.get(f"/admin/accounts/user/{person.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "可查看任务" in html and "Can view task" not in html


def test_every_string_of_the_admins_javascript_reads_chinese():
    """Django's zh_Hans catalogue of the admin's JavaScript lacks a few strings ("Choose all %s"): ours adds them."""
    import django.contrib.admin

    english = polib.pofile(f"{django.contrib.admin.__path__[0]}/locale/en/LC_MESSAGES/djangojs.po")
    request = RequestFactory().get("/admin/jsi18n/")
    with translation.override("zh-hans"):
        catalogue = JavaScriptCatalog(packages=["django.contrib.admin"])
        catalogue.get(request)
        translated = catalogue.get_catalog()
    keys = [f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid for entry in english]
    missing = [key for key in keys if key not in translated]
    assert missing == []
