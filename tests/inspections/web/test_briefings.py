"""The briefings page: managers ask for a briefing of their area, follow its progress and download its files;
nobody else sees, polls or downloads it."""

import io

import pytest
from django.test import TestCase
from docx import Document

from inspections.models import Briefing, BriefingStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/dashboard/briefings/"


def ask(client, phase, briefed):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, {"phase": phase.pk, "start": briefed.start, "end": briefed.end})


def test_a_manager_builds_a_briefing_and_downloads_both_files(client, world, phase, briefed):
    client.force_login(world.users.west_manager)
    answer = ask(client, phase, briefed)
    assert answer.status_code == 302
    briefing = Briefing.objects.get()
    assert (briefing.status, briefing.scope, briefing.requested_by) == (
        BriefingStatus.DONE,
        world.west,
        world.users.west_manager,
    )
    page = client.get(URL)
    assert f'data-briefing="{briefing.pk}"' in page.content.decode()
    progress = client.get(f"{URL}{briefing.pk}/progress/").json()
    assert progress["status"] == "done" and progress["progress"] == 100
    assert set(progress["files"]) == {"docx", "xlsx"}
    docx = client.get(progress["files"]["docx"])
    assert docx.status_code == 200
    assert "attachment" in docx["Content-Disposition"]
    assert Document(io.BytesIO(b"".join(docx.streaming_content))).tables
    assert client.get(progress["files"]["xlsx"]).status_code == 200


def test_another_communitys_manager_can_neither_see_poll_nor_download_it(client, world, phase, briefed):
    client.force_login(world.users.west_manager)
    ask(client, phase, briefed)
    briefing = Briefing.objects.get()
    east = UserFactory(username="east_manager_b", role="manager", jurisdiction=world.east)
    client.force_login(east)
    assert f'data-briefing="{briefing.pk}"' not in client.get(URL).content.decode()
    for suffix in ("progress/", "docx/", "xlsx/"):
        assert client.get(f"{URL}{briefing.pk}/{suffix}").status_code == 404
    client.force_login(world.users.manager)  # the area's manager oversees the west community
    assert client.get(f"{URL}{briefing.pk}/docx/").status_code == 200


@pytest.mark.parametrize("who", ["inspector", "rectifier", "volunteer"])
def test_only_managers_open_the_page(client, world, who):
    client.force_login(getattr(world.users, who))
    assert client.get(URL).status_code == 403


def test_a_bad_period_is_refused_with_a_message(client, world, phase):
    client.force_login(world.users.manager)
    answer = client.post(
        URL, {"phase": phase.pk, "start": "2026-03-10", "end": "2026-03-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    assert "before it starts" in answer.content.decode()
    assert not Briefing.objects.exists()


def test_an_unknown_file_kind_is_not_found(client, world, phase, briefed):
    client.force_login(world.users.manager)
    ask(client, phase, briefed)
    assert client.get(f"{URL}{Briefing.objects.get().pk}/pdf/").status_code == 404


def test_a_failed_briefing_shows_its_error(client, world, phase, briefed):
    failed = Briefing.objects.create(
        scope=world.west,
        phase=phase,
        period_start=briefed.start,
        period_end=briefed.end,
        status=BriefingStatus.FAILED,
        error="Map: no font",
    )
    client.force_login(world.users.west_manager)
    assert "Map: no font" in client.get(URL).content.decode()
    assert client.get(f"{URL}{failed.pk}/progress/").json()["error"] == "Map: no font"
    assert client.get(f"{URL}{failed.pk}/docx/").status_code == 404
