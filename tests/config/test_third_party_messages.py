"""The Chinese admin names every app and model in Chinese, django-axes' included (config/third_party_messages.py,
config/apps.py), and axes' own pages read Chinese."""

import re

import pytest
from axes.models import AccessAttempt

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"[A-Za-z]{2,}")
WORDS_KEPT = re.compile(r"\b(IP|HTTP|GET|POST|Accept|Webhook|Open311)\b")  # technical words Chinese admins read as such


def names_on_the_index(html: str) -> list[str]:
    captions = re.findall(r"<caption>\s*<a [^>]*>(.*?)</a>", html, re.S)
    models = re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>(.*?)</a>', html, re.S)
    assert captions and models
    return [name.strip() for name in captions + models]


def test_the_chinese_admin_index_names_no_app_or_model_in_english(admin_client):
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    names = names_on_the_index(html)
    assert "登录尝试" in names and "登录日志" in names and "登录限制" in names
    assert [name for name in names if ENGLISH.search(WORDS_KEPT.sub("", name))] == []


def test_the_english_admin_keeps_axes_names(admin_client):
    names = names_on_the_index(admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert {"Access attempts", "Access logs", "Login throttling"} <= set(names)


def test_the_access_attempts_list_reads_chinese(admin_client):
    AccessAttempt.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="tablet", path_info="/accounts/login/",
        failures_since_start=2, http_accept="*/*", get_data="", post_data="",
    )  # fmt: skip
    html = admin_client.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    table = html[html.index('id="result_list"') :]
    headers = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)]
    assert "尝试时间" in headers and "IP 地址" in headers and "登录失败次数" in headers
    assert [header for header in headers if ENGLISH.search(WORDS_KEPT.sub("", header))] == []
    assert "清理已过期的登录尝试" in html and "已锁定" in html
