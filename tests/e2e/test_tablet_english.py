"""The tablet in English at 800 px (portrait 10"): counting strings in the number's plural form ("1 required
question", "2 findings"), "Sign out" on one line, and a refused submit that names the answer outside its constraint
(the checklist's own message) instead of counting required questions."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from mobile_forms.services import xlsform_import
from tests.e2e import test_tablet as tablet
from tests.e2e.conftest import tablet_page
from tests.e2e.test_tablet import PORTRAIT, open_app, stand_at

pytestmark = pytest.mark.django_db(transaction=True)

field_day = tablet.field_day  # the demo, the problem catalogue, the demo checklists, a phase running today


@pytest.fixture
def page(browser, live_server, transactional_db):
    yield from tablet_page(browser, live_server, viewport=PORTRAIT, locale="en-GB")


def counted_form() -> bytes:
    """Two required questions, one of them a number with bounds and its own message (ODK style)."""
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    for row in [
        ["type", "name", "label::Chinese (zh)", "label::English (en)", "required", "constraint",
         "constraint_message::Chinese (zh)", "constraint_message::English (en)"],
        ["select_one yn", "clean", "周边整洁", "Surroundings clean", "yes", None, None, None],
        ["integer", "stalls", "摊点数量", "Number of stalls", "yes", ". >= 0 and . <= 50",
         "摊点数量应在 0 到 50 之间", "Between 0 and 50 stalls"],
    ]:  # fmt: skip
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in [["list_name", "name", "label::Chinese (zh)", "label::English (en)"], ["yn", "yes", "是", "Yes"],
                ["yn", "no", "否", "No"]]:  # fmt: skip
        choices.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def lines_of(page, selector: str) -> int:
    return page.evaluate(
        "selector => { const r = document.createRange(); r.selectNodeContents(document.querySelector(selector));"
        " return new Set([...r.getClientRects()].map((rect) => Math.round(rect.top))).size; }",
        selector,
    )


def test_the_tablet_in_english_counts_in_plural_forms_and_names_a_broken_constraint(page, field_day, sign_in):
    hotspot = field_day["hotspot"]
    _version, created, _warnings = xlsform_import(source=io.BytesIO(counted_form()), category=hotspot.category)
    assert created
    stand_at(page, hotspot)
    open_app(page, sign_in)
    expect(page.locator("html[lang=en]")).to_be_attached()
    sign_out = page.locator("#sign-out")
    expect(sign_out).to_have_text("Sign out")
    assert page.viewport_size["width"] == 800 and lines_of(page, "#sign-out") == 1
    page.context.set_offline(True)
    expect(page.locator("body[data-online=false]")).to_be_attached()
    toast = page.locator("#toast")
    submit = page.locator("[data-testid=submit-inspection]")

    for findings in (1, 2):
        page.goto(f"/m/#/hotspot/{hotspot.pk}")
        page.locator("[data-testid=start-inspection]").click()
        form = page.locator("[data-testid=checklist]")
        expect(form.locator("[data-question=stalls]")).to_be_visible()
        if findings == 1:
            submit.click()
            expect(toast).to_have_text("2 required questions have no answer yet.")
            form.locator("[data-question=clean]").locator("button[data-value=yes], label.chip").first.click()
            submit.click()
            expect(toast).to_have_text("1 required question has no answer yet.")
            # An answer outside the question's bounds: the pop-up names it, with the checklist's message.
            form.locator("[data-question=stalls] input").fill("80")
            submit.click()
            expect(toast).to_have_text("Number of stalls: Between 0 and 50 stalls")
            stalls = form.locator("[data-question=stalls]")
            expect(stalls).to_have_class(re.compile("has-error"))
            expect(stalls.locator(".question-error")).to_have_text("Between 0 and 50 stalls")
        else:
            form.locator("[data-question=clean]").locator("button[data-value=yes], label.chip").first.click()
        form.locator("[data-question=stalls] input").fill("3")
        for _ in range(findings):
            page.locator("[data-testid=add-finding]").click()
            page.locator(".finding").last.locator("label.chip").first.click()
        submit.click()
        expect(page.locator("[data-testid=hotspot-detail]")).to_be_visible()

    page.locator("[data-testid=outbox-tab]").click()
    inspections = page.locator("[data-testid=outbox-waiting] .outbox-row[data-kind=inspection]")
    expect(inspections).to_have_count(2)
    expect(inspections.filter(has_text="1 finding")).to_have_count(1)
    expect(inspections.filter(has_text="2 findings")).to_have_count(1)
    assert "1 findings" not in page.locator("[data-testid=outbox-waiting]").inner_text()
