"""Briefings in a real browser on the small test world: a manager asks for one from the dashboard, the briefings page
shows it waiting, then being built with its progress, then ready; both files download and open (python-docx,
openpyxl) with the ranking and the before/after photo pairs.

Celery runs eagerly in the tests (no broker): the build would finish inside the request that asks for it, and the
page would only ever show a briefing ready. So the test stands in for the broker: the request's ``delay`` only
queues the briefing's id, the test then runs the worker's job itself (``briefing_build``), and pauses it as it starts
the Word document to see the page's poll show the progress.
"""

import pytest
from django.conf import settings
from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from inspections.models import Briefing, BriefingStatus
from inspections.reporting.briefings import build
from inspections.reporting.briefings.xlsx import sheet_title
from inspections.reporting.rankings import ranking
from tests.conftest import make_world
from tests.factories import running_phase

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(transactional_db):
    from tests.inspections.reporting.briefings.scene import build_briefed

    world = make_world()
    phase = running_phase()
    with TestCase.captureOnCommitCallbacks(execute=True):
        briefed = build_briefed(world, phase)
    return world, phase, briefed


class Broker:
    """Stands in for Celery's broker: ``delay`` queues the briefing's id for the test to build."""

    def __init__(self):
        self.queued: list[int] = []

    def delay(self, briefing_id: int) -> None:
        self.queued.append(briefing_id)


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_a_manager_generates_a_briefing_from_the_dashboard_and_downloads_its_files(
    page, scene, monkeypatch, tmp_path, screenshot
):
    world, phase, briefed = scene
    assert settings.CELERY_TASK_ALWAYS_EAGER  # hence the stand-in broker
    broker = Broker()
    monkeypatch.setattr("inspections.reporting.briefings.services.build_briefing", broker)
    with translation.override("zh-hans"):
        waiting, building, ready = (str(s.label) for s in BriefingStatus if s != BriefingStatus.FAILED)
        writing_docx = _("Writing the Word document")
        ranking_sheet = sheet_title(_("Ranking of communities"))
        photo_sheet = sheet_title(_("Before and after"))

    _sign_in(page, "manager_u")
    page.goto("/dashboard/")
    page.locator("[data-testid=make-briefing]").click()
    page.wait_for_url("**/dashboard/briefings/?*")
    expect(page.locator("#id_phase")).to_have_value(str(phase.pk))
    page.locator("[data-testid=briefing-form] button[type=submit]").click()
    page.wait_for_url("**/dashboard/briefings/")

    # Queued: the request stored the briefing and handed it to the broker once its transaction committed.
    (briefing_id,) = broker.queued
    row = page.locator(f"tr[data-briefing='{briefing_id}']")
    expect(row).to_have_attribute("data-status", "pending")
    expect(row.locator(".status-label")).to_have_text(waiting)
    expect(row.locator(".briefing-files a")).to_have_count(0)

    # The worker's job; paused as it starts the Word document, while the page polls its progress.
    write_docx = build.write_docx
    seen = {}

    def paused_write_docx(*args, **kwargs):
        expect(row).to_have_attribute("data-status", "running")
        expect(row.locator(".status-label")).to_have_text(building)
        expect(row.locator(".status-step")).to_have_text(writing_docx)
        expect(row.locator("progress")).to_be_visible()
        seen["progress"] = int(row.locator("progress").get_attribute("value") or 0)
        return write_docx(*args, **kwargs)

    monkeypatch.setattr(build, "write_docx", paused_write_docx)
    assert build.briefing_build(briefing_id).status == BriefingStatus.DONE
    assert seen["progress"] == build.DOCX

    expect(row).to_have_attribute("data-status", "done")
    expect(row.locator(".status-label")).to_have_text(ready)
    expect(row.locator("progress")).to_be_hidden()
    expect(row.locator(".briefing-files a")).to_have_count(2)
    screenshot("briefings")

    files = {}
    for kind in ("docx", "xlsx"):
        with page.expect_download() as download:
            row.locator(".briefing-files a", has_text=kind.upper()).click()
        files[kind] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[kind])
        assert files[kind].suffix == f".{kind}"

    manager = world.users.manager
    expected = ranking(user=manager, phase=phase, level="community")
    assert [(r.rank, r.key, r.score) for r in expected] == [(1, world.west.pk, 96.0), (2, world.east.pk, 90.0)]
    document = Document(str(files["docx"]))
    cells = [cell.text for table in document.tables for row_ in table.rows for cell in row_.cells]
    assert "西社区" in cells and "东社区" in cells and "96.00" in cells and "90.00" in cells
    assert len(document.inline_shapes) == 1 + 2 * len(briefed.closed)  # the map, a before and an after per pair
    workbook = load_workbook(files["xlsx"])
    rows = list(workbook[ranking_sheet].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [(1, "西社区", 96.0), (2, "东社区", 90.0)]
    assert len(workbook[photo_sheet]._images) == 2 * len(briefed.closed)
    assert Briefing.objects.get(pk=briefing_id).requested_by == manager
