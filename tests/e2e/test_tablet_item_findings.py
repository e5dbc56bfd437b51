"""A failed checklist item becomes a finding on the tablet (800×1280, offline): from opening /m/ to a submitted
finding with one photo in at most 6 taps, sent exactly once, the item's photo the finding's only evidence."""

import json

import pytest
from playwright.sync_api import expect

from geo.models import Hotspot
from inspections.models import Finding, Inspection, Photo
from tests.e2e import test_tablet as tablet
from tests.e2e.conftest import tablet_page
from tests.e2e.test_tablet import PORTRAIT, open_app, stand_at
from tests.inspections.conftest import photo_bytes

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TAPS = 6
field_day = tablet.field_day  # the demo, the problem catalogue, the demo checklists, a phase running today


@pytest.fixture
def page(browser, live_server, transactional_db):
    yield from tablet_page(browser, live_server, viewport=PORTRAIT, locale="zh-CN")


class Taps:
    """Counts what the person taps: every click the test makes goes through here."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def tap(self, locator):
        self.count += 1
        locator.click()

    def photograph(self, locator, photo: bytes):
        with self.page.expect_file_chooser() as chooser:
            self.tap(locator)
        chooser.value.set_files({"name": "IMG_0101.jpg", "mimeType": "image/jpeg", "buffer": photo})


def test_a_failed_item_becomes_a_finding_with_one_photo_in_six_taps_offline_and_arrives_once(
    page, field_day, sign_in, screenshot
):
    stall = (
        Hotspot.objects.filter(active=True, category__code="street_stall", jurisdiction__code__startswith="110106")
        .exclude(sponsoring_unit=None)
        .order_by("pk")
    )
    stall = next(hotspot for hotspot in stall if hotspot.geometry.geom_type == "Point")
    lon, lat = stand_at(page, stall)
    evidence = photo_bytes(lat=lat, lon=lon, hours_ago=0.05, seed=61, size=(1200, 900))
    open_app(page, sign_in)  # the sign-in page is not part of the count: /m/ opens signed in
    # "Sign out" keeps to one line at 800 px.
    lines = page.evaluate(
        "() => { const r = document.createRange(); r.selectNodeContents(document.getElementById('sign-out'));"
        " return new Set([...r.getClientRects()].map((rect) => Math.round(rect.top))).size; }"
    )
    assert lines == 1
    page.context.set_offline(True)
    expect(page.locator("body[data-online=false]")).to_be_attached()

    taps = Taps(page)
    taps.tap(page.locator(f"a.hotspot-row[data-hotspot='{stall.pk}']"))
    taps.tap(page.locator("[data-testid=start-inspection]"))
    item = page.locator(".question[data-question=no_vending]")
    taps.tap(item.locator("button[data-value=no]"))
    expect(item.locator("[data-testid=item-finding]")).to_contain_text("占道经营")
    expect(item.locator("[data-testid=item-finding]")).to_contain_text("较重")
    taps.photograph(item.locator(".item-finding label.camera"), evidence)
    expect(page.locator(".question[data-question=overview_photo] [data-testid=photo-stands-in]")).to_be_visible()
    item.scroll_into_view_if_needed()
    screenshot("tablet-item-finding")
    taps.tap(page.locator("[data-testid=rest-compliant]"))
    taps.tap(page.locator("[data-testid=submit-inspection]"))
    expect(page.locator("[data-testid=hotspot-detail]")).to_be_visible()
    assert taps.count <= MAX_TAPS, f"{taps.count} taps from /m/ to a submitted finding (at most {MAX_TAPS})"
    # The inspection with its finding, and one photo: nothing else waits.
    assert page.locator("body").get_attribute("data-outbox-count") == "2"
    assert not Inspection.objects.filter(hotspot=stall).exists()

    page.context.set_offline(False)
    expect(page.locator("body[data-outbox-count='0']")).to_be_attached(timeout=40_000)
    inspection = Inspection.objects.get(hotspot=stall)
    finding = Finding.objects.get(inspection=inspection)
    assert (finding.problem_type.code, finding.severity) == ("street_vending", "major")
    photo = Photo.objects.get(inspection=inspection)
    assert photo.finding == finding
    with photo.file.original.open("rb") as handle:
        assert handle.read() == evidence
    answers = json.dumps(inspection.answers)
    assert str(photo.pk) in answers  # the item's photo stands in for the overview photo
    assert inspection.deduction == pytest.approx(3)  # only the failed item lost points
