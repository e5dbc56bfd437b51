"""The Open311 clients' admin: adding one shows its key once; the reports keep the reporter's contact for admins."""

import pytest

from inspections.evidence.public_reports import reporting_client_for_key
from inspections.models import ReportingClient

pytestmark = pytest.mark.django_db


def test_adding_a_client_in_the_admin_shows_its_key_once(client, world):
    world.users.admin.is_superuser = True
    world.users.admin.save()
    client.force_login(world.users.admin)
    response = client.post("/admin/inspections/reportingclient/add/", {"name": "热线 12345"}, follow=True)
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"] if "API key" in str(m) or "API 密钥" in str(m)]
    key = message.rsplit(" ", 1)[-1].rsplit("：", 1)[-1]
    stored = ReportingClient.objects.get(name="热线 12345")
    assert reporting_client_for_key(key) == stored
    page = client.get(f"/admin/inspections/reportingclient/{stored.pk}/change/")
    assert key.encode() not in page.content and stored.key_prefix.encode() in page.content
