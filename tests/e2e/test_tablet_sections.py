"""An XLSForm's groups show on the tablet as section headings over their questions."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from mobile_forms.services import xlsform_import
from tests.e2e.test_tablet import field_day, open_app, page, stand_at  # noqa: F401  (fixtures and steps)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def grouped_form() -> bytes:
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    for row in [
        ["type", "name", "label:Chinese", "label:English", "relevant", "appearance"],
        ["select one from yn", "open", "正在施工", "Works under way", None, None],
        ["begin group", "hoarding", "围挡", "Hoarding", "${open} = 'yes'", "field-list"],
        ["select_one yn", "intact", "围挡完好", "Hoarding intact", None, None],
        ["select_one yn", "posters", "公益广告规范", "Campaign posters proper", None, None],
        ["end group", None, None, None, None, None],
        ["begin group", "roads", "道路", "Roads", None, None],
        ["select_one yn", "clean", "出入口道路整洁", "Gate road clean", None, None],
        ["end group", None, None, None, None, None],
    ]:
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in [
        ["list name", "name", "label:Chinese", "label:English"],
        ["yn", "yes", "是", "Yes"],
        ["yn", "no", "否", "No"],
    ]:
        choices.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_tablet_shows_an_xlsforms_groups_as_sections(page, sign_in, field_day):  # noqa: F811
    hotspot = field_day["hotspot"]
    version, created, _warnings = xlsform_import(source=io.BytesIO(grouped_form()), category=hotspot.category)
    assert created and [section["name"] for section in version.sections] == ["hoarding", "roads"]
    stand_at(page, hotspot)
    open_app(page, sign_in)
    page.locator(f"a.hotspot-row[data-hotspot='{hotspot.pk}']").click()
    page.locator("[data-testid=start-inspection]").click()
    form = page.locator("[data-testid=checklist]")
    expect(form).to_be_visible()
    hoarding, roads = form.locator("[data-section=hoarding]"), form.locator("[data-section=roads]")
    # The hoarding group applies only while works are under way: its heading hides with its questions.
    expect(hoarding).to_be_hidden()
    expect(roads).to_have_text("道路")
    form.locator("[data-question=open] button[data-value=yes]").click()
    expect(hoarding).to_have_text("围挡")
    expect(form.locator("[data-question=intact]")).to_be_visible()
    # Headings come before their questions, in the checklist's order.
    order = form.locator(".checklist-section, .question").evaluate_all(
        "els => els.map(e => e.dataset.section ? '#' + e.dataset.section : e.dataset.question)"
    )
    assert order == ["open", "#hoarding", "intact", "posters", "#roads", "clean"]
