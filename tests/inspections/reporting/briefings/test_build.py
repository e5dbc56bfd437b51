"""A briefing built end to end through the service (Celery eager): its DOCX and XLSX open and hold the ranking,
the counts and the photos; its figures agree with SQL over the same filter; a failure is recorded."""

import io

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from inspections.models import Briefing, BriefingStatus, Finding, PhotoRole
from inspections.reporting.briefings.build import briefing_build
from inspections.reporting.briefings.content import briefing_content
from inspections.reporting.briefings.map_image import HEIGHT_PX, WIDTH_PX, map_data, render_map
from inspections.reporting.briefings.services import briefing_request
from inspections.reporting.metrics import Grouping, Period, task_metrics_for_user
from inspections.reporting.rankings import ranking

pytestmark = pytest.mark.django_db(transaction=False)


def build(user, phase, briefed) -> Briefing:
    with TestCase.captureOnCommitCallbacks(execute=True):
        briefing = briefing_request(user=user, phase=phase, period=Period(briefed.start, briefed.end), language="en")
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.DONE, briefing.error
    return briefing


def docx_text(document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_docx_opens_and_holds_the_ranking_counts_and_photo_pairs(world, phase, briefed):
    manager = world.users.manager
    briefing = build(manager, phase, briefed)
    document = Document(briefing.docx.open("rb"))
    text = docx_text(document)
    communities = ranking(user=manager, phase=phase, level="community")
    # by hand: the west compound lost 4 points (96), the east's stall 10 (90)
    assert [(row.rank, row.name, row.score) for row in communities] == [(1, "West", 96.0), (2, "East", 90.0)]
    assert "West" in text and "96.00" in text and "90.00" in text
    assert "Findings logged in the period" in text
    assert "Units with overdue tasks" in text and "东社区居委会" in text
    # the map and one before and one after photo per closed task
    assert len(document.inline_shapes) == 1 + 2 * len(briefed.closed)
    assert briefing.progress == 100 and briefing.finished_at is not None


def test_the_xlsx_opens_and_its_numbers_agree_with_sql_on_the_same_filter(world, phase, briefed):
    manager = world.users.manager
    briefing = build(manager, phase, briefed)
    workbook = load_workbook(briefing.xlsx.open("rb"))
    summary = workbook["Counts"]
    values = {row[0]: row[1] for row in summary.iter_rows(min_row=4, values_only=True) if row[0]}
    since, until = Period(briefed.start, briefed.end).bounds(timezone.get_default_timezone())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM inspections_finding f JOIN inspections_inspection i ON i.id = f.inspection_id "
            "WHERE i.phase_id = %s AND f.created_at >= %s AND f.created_at < %s",
            [phase.pk, since, until],
        )
        (findings,) = cursor.fetchone()
    assert values["Findings logged in the period"] == findings == 5
    metrics = task_metrics_for_user(manager, group=Grouping.COMMUNITY, period=Period(briefed.start, briefed.end))
    assert values["On-time closure rate"] == metrics.total.counts.on_time_closure_rate
    assert values["Tasks: Verified"] == 2
    sheet = workbook["Ranking of communities"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = ranking(user=manager, phase=phase, level="community")
    assert [(r[0], r[1], r[2]) for r in rows] == [(e.rank, e.name, e.score) for e in expected]
    photos = workbook["Before and after"]
    assert photos.max_row == 1 + len(briefed.closed)
    assert len(photos._images) == 2 * len(briefed.closed)


def test_content_names_the_overdue_unit_and_pairs_first_before_with_last_after(world, phase, briefed):
    content = briefing_content(
        viewer=world.users.manager, scope=None, phase=phase, period=Period(briefed.start, briefed.end)
    )
    assert [(u.name, u.overdue) for u in content.overdue_units] == [("东社区居委会", 1)]
    assert {pair.task_id for pair in content.photo_pairs} == {str(task.pk) for task in briefed.closed}
    first = briefed.closed[0].finding.photos
    pair = next(p for p in content.photo_pairs if p.task_id == str(briefed.closed[0].pk))
    assert pair.before_display == first.filter(role=PhotoRole.BEFORE).get().display.name
    assert pair.after_display == first.filter(role=PhotoRole.AFTER).order_by("-uploaded_at").first().display.name
    assert [(p.code, p.findings) for p in content.top_problems] == [("exposed_garbage", 4), ("illegal_ads", 1)]


def test_the_map_is_a_png_of_the_documented_size(world, phase, briefed):
    png = io.BytesIO()
    findings = Finding.objects.all()
    render_map(map_data(scope=world.west, findings=findings, scores={world.west.pk: 92.5}), png, title="西社区")
    image = Image.open(io.BytesIO(png.getvalue()))
    assert image.format == "PNG"
    assert image.size == (WIDTH_PX, HEIGHT_PX)
    # not blank: the community and the dots are drawn in more than a few colours
    assert len(image.convert("RGB").getcolors(maxcolors=1_000_000)) > 50


def test_a_west_managers_briefing_holds_only_the_west(world, phase, briefed):
    briefing = build(world.users.west_manager, phase, briefed)
    assert briefing.scope == world.west
    workbook = load_workbook(briefing.xlsx.open("rb"))
    values = {row[0]: row[1] for row in workbook["Counts"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert values["Findings logged in the period"] == 3
    assert workbook["Units with overdue tasks"].max_row == 1  # the east committee's overdue task is not the west's
    communities = [row[1] for row in workbook["Ranking of communities"].iter_rows(min_row=2, values_only=True)]
    assert "East" not in communities


def test_a_failure_is_recorded_with_its_message(world, phase, briefed):
    orphan = Briefing.objects.create(
        scope=world.east, phase=phase, period_start=briefed.start, period_end=briefed.end, scheduled=True, language="en"
    )
    built = briefing_build(orphan.pk)
    assert built.status == BriefingStatus.FAILED
    assert "No active manager" in built.error
    assert not built.docx and built.finished_at is not None


def test_a_briefing_is_built_once_even_if_asked_twice(world, phase, briefed):
    briefing = build(world.users.manager, phase, briefed)
    again = briefing_build(briefing.pk)
    assert again.docx.name == briefing.docx.name
