import io

import pytest
from django.core.management import CommandError, call_command

from inspections.evidence.public_reports import key_hash, reporting_client_for_key
from inspections.models import ReportingClient

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_key_it_stores_only_as_a_hash(world):
    out = io.StringIO()
    call_command("open311_apikey", "宛平随手拍", stdout=out)
    key = out.getvalue().strip()
    client = ReportingClient.objects.get(name="宛平随手拍")
    assert len(key) >= 40 and client.key_hash == key_hash(key) and key not in client.key_hash
    assert client.key_prefix == key[:8]
    assert reporting_client_for_key(key) == client
    account = client.account
    assert account.role == "volunteer" and account.jurisdiction == world.district and not account.has_usable_password()


def test_a_jurisdiction_can_be_named_and_an_unknown_one_is_refused(world):
    out = io.StringIO()
    call_command("open311_apikey", "west app", "--jurisdiction", world.west.code, stdout=out)
    assert ReportingClient.objects.get(name="west app").account.jurisdiction == world.west
    with pytest.raises(CommandError):
        call_command("open311_apikey", "nowhere app", "--jurisdiction", "999", stdout=io.StringIO())


def test_a_name_is_taken_once(world):
    call_command("open311_apikey", "app", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("open311_apikey", "app", stdout=io.StringIO())
    assert ReportingClient.objects.count() == 1
