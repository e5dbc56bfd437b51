"""Units' webhooks never reach the server's own or internal network unless an administrator allows the host:
literal addresses and names are judged by what they resolve to here (no DNS server needed: literals, `localhost`,
the numeric forms the C resolver reads)."""

import pytest
from django.core.exceptions import ValidationError

from geo.outbound import OutboundRefused, vet_url
from geo.services import unit_save
from tests.admin_forms import admin_post

INTERNAL = [
    "http://127.0.0.1/",
    "http://127.8.9.10:8000/hook",
    "http://10.0.0.5/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://100.64.0.1/",  # shared address space (CGNAT)
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.10/",  # documentation
    "http://[::1]/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
    "http://[::ffff:169.254.169.254]/",
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
    "http://localhost:8000/",
    "http://LOCALHOST/",
    "http://2130706433/",  # 127.0.0.1 as one number
    "http://0x7f.1/",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused(url):
    with pytest.raises(OutboundRefused, match="internal network"):
        vet_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://8.8.8.8/robot/send?access_token=x",
        "http://[2001:4860:4860::8888]:8080/",
        "http://[::ffff:8.8.8.8]/",
        "http://[64:ff9b::808:808]/",  # NAT64 of a public address
    ],
)
def test_public_addresses_pass(url):
    target = vet_url(url)
    assert target.addresses and target.scheme in {"http", "https"}


@pytest.mark.parametrize("url", ["ftp://8.8.8.8/", "file:///etc/passwd", "gopher://8.8.8.8/", "//8.8.8.8/"])
def test_only_http_and_https(url):
    with pytest.raises(OutboundRefused, match="Only http"):
        vet_url(url)


def test_a_name_that_does_not_resolve_passes_at_save_but_not_when_posting():
    url = "https://robot.invalid/send"
    assert vet_url(url, resolve=False).addresses == ()
    with pytest.raises(OutboundRefused, match="does not resolve"):
        vet_url(url)


def test_a_host_an_administrator_allows_passes(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["LocalHost", "10.0.0.5"]
    assert "127.0.0.1" in vet_url("http://localhost:9/hook").addresses
    assert vet_url("http://10.0.0.5/").addresses == ("10.0.0.5",)
    with pytest.raises(OutboundRefused):
        vet_url("http://10.0.0.6/")


def test_the_target_keeps_the_name_port_and_query_for_the_request():
    target = vet_url("https://[2001:4860:4860::8888]:8443/send?key=a&b=c")
    assert (target.host, target.port, target.path) == ("2001:4860:4860::8888", 8443, "/send?key=a&b=c")
    assert target.host_header == "[2001:4860:4860::8888]:8443"
    assert vet_url("https://8.8.8.8").host_header == "8.8.8.8" and vet_url("https://8.8.8.8").path == "/"


@pytest.mark.django_db
def test_a_unit_with_an_internal_webhook_is_not_saved(world):
    unit = world.east_committee
    unit.webhook_url = "http://169.254.169.254/latest/meta-data/"
    with pytest.raises(ValidationError) as refused:
        unit_save(unit=unit)
    assert "internal network" in refused.value.message_dict["webhook_url"][0]
    unit.webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"  # resolved or not, saved
    unit_save(unit=unit)


@pytest.mark.django_db
def test_the_admin_refuses_an_internal_webhook_and_keeps_the_unit_as_it_was(world, admin_client, settings):
    admin_client.cookies["django_language"] = "en"
    url = f"/admin/geo/unit/{world.east_committee.pk}/change/"
    errors = admin_post(admin_client, url, webhook_url="http://localhost:8000/admin/")
    assert "resolves to" in errors["webhook_url"][0] and "WEBHOOK_ALLOWED_HOSTS" in errors["webhook_url"][0]
    world.east_committee.refresh_from_db()
    assert world.east_committee.webhook_url == ""
    settings.WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    assert admin_post(admin_client, url, webhook_url="http://localhost:8000/robot") == {}
    world.east_committee.refresh_from_db()
    assert world.east_committee.webhook_url == "http://localhost:8000/robot"
