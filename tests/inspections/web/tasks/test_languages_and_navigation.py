"""The task pages in Chinese and English, and the way to them from the navigation and the home page's tiles."""

import re

import pytest
from django.utils import timezone

from tests.inspections.web.tasks.pages import detail, get

pytestmark = pytest.mark.django_db


def test_pages_in_chinese_and_english(client, world, submitted):
    zh = get(client, world.users.manager, language="zh-hans")
    assert '<html lang="zh-hans">' in zh and "退出登录" in zh
    en = get(client, world.users.manager, language="en")
    assert '<html lang="en">' in en and "To verify" in en and "Verify the fix" in en
    zh_detail = get(client, world.users.manager, detail(submitted), language="zh-hans")
    due = timezone.localtime(submitted.due_at)
    assert f"{due.year}年{due.month}月{due.day}日" in zh_detail
    en_detail = get(client, world.users.manager, detail(submitted), language="en")
    assert "Audit trail" in en_detail and f"{due.day}, {due.year}" in en_detail


def test_navigation_and_home_tiles(client, world):
    manager_home = get(client, world.users.manager, "/")
    assert 'href="/tasks/"' in manager_home.split("</nav>")[0]
    tiles = re.findall(r'<li class="tile[^"]*">\s*<a href="([^"]+)"', manager_home)
    assert tiles[:3] == ["/map/", "/dashboard/", "/tasks/"]
    inspector_tiles = re.findall(r'<li class="tile[^"]*">\s*<a href="([^"]+)"', get(client, world.users.inspector, "/"))
    assert inspector_tiles.index("/tasks/") == inspector_tiles.index("/inspections/") + 1
    rectifier_home = get(client, world.users.rectifier, "/")
    assert 'href="/tasks/"' in rectifier_home
    volunteer_home = get(client, world.users.volunteer, "/")
    assert 'href="/tasks/"' not in volunteer_home
