"""The exports page (/exports/): a person's own exports with status, progress and download, in both languages."""

import pytest
from django.test import TestCase

from geo.exports.services import export_request
from geo.layers import get_layer
from geo.models import LayerExport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def export_of(user, **kwargs) -> LayerExport:
    with TestCase.captureOnCommitCallbacks(execute=True):
        export = export_request(user=user, layer=get_layer("hotspots"), format_name="csv", filters={}, **kwargs)
    export.refresh_from_db()
    return export


def test_the_page_lists_my_exports_only(client, world):
    mine = export_of(world.users.manager)
    theirs = export_of(world.users.west_manager)
    queued = LayerExport.objects.create(user=world.users.manager, layer="tasks", format="xlsx")
    client.force_login(world.users.manager)
    page = client.get("/exports/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-export="{mine.pk}"' in page and f'data-export="{queued.pk}"' in page
    assert f'data-export="{theirs.pk}"' not in page
    assert f'href="/api/exports/{mine.pk}/file"' in page and f"/api/exports/{queued.pk}/file" not in page
    assert "Ready" in page and "Waiting" in page and "Hotspots" in page


def test_the_page_speaks_chinese(client, world):
    export_of(world.users.manager)
    client.force_login(world.users.manager)
    page = client.get("/exports/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的导出" in page and "点位" in page


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/exports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
