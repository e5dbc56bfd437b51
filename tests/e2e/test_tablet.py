"""The tablet app (/m/) in headless Chromium at 10" tablet size: offline first, an outbox that survives reloads,
and photos that resume where a dropped connection left them."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from fixtures.checklists import load_checklists
from geo.models import Hotspot
from inspections.evidence.problem_types import ensure_default_problem_types
from inspections.models import Finding, Inspection, Photo, PhotoUploadSession
from tests.e2e import geolocation
from tests.e2e.conftest import tablet_page
from tests.factories import running_phase
from tests.inspections.conftest import photo_bytes

pytestmark = pytest.mark.django_db(transaction=True)

PORTRAIT = {"width": 800, "height": 1280}
CHUNK = 512 * 1024
# Metres → degrees at Wanping's latitude, roughly: enough to stand a few steps from the hotspot.
STEP = 0.00003


@pytest.fixture
def page(browser, live_server, transactional_db):
    yield from tablet_page(browser, live_server)


@pytest.fixture
def field_day(demo):
    """Demo places and people, the problem catalogue, the demo checklists and a campaign phase running today."""
    ensure_default_problem_types()
    load_checklists()
    phase = running_phase(
        "创建首都文明区 · 城市清洁日（平板测试）", "Capital civilized district · city cleaning day (tablet test)"
    )
    inspector = get_user_model().objects.get(username="inspector")
    hotspot = (
        Hotspot.objects.filter(active=True, geometry__isnull=False, jurisdiction__code__startswith="110106")
        .exclude(sponsoring_unit=None)
        .order_by("pk")
    )
    hotspot = next(h for h in hotspot if h.geometry.geom_type == "Point")
    return {"phase": phase, "inspector": inspector, "hotspot": hotspot}


def stand_at(page, hotspot, *, east=1, north=1):
    lon, lat = hotspot.geometry.x + east * STEP, hotspot.geometry.y + north * STEP
    geolocation.set_position(page.context, latitude=lat, longitude=lon)
    return lon, lat


def open_app(page, sign_in):
    sign_in("inspector")
    page.goto("/m/")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    # The service worker took over and has read the data through itself: the app now works offline.
    expect(page.locator("body[data-offline-ready=true]")).to_be_attached()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def answer_checklist(page, small_photo: bytes):
    """Answers every question that shows, whatever the checklist: the first option, a number, a photo… and yes/no
    questions "no" first (it costs points and may open follow-up questions), then "yes"."""
    form = page.locator("[data-testid=checklist]")
    if not form.count():
        return 0
    answered = 0
    said_no = False
    for index in range(page.locator(".question").count()):
        question = page.locator(".question").nth(index)
        if not question.is_visible():
            continue
        kind = question.get_attribute("data-type")
        if kind == "yes_no":
            question.locator("button[data-value=" + ("yes" if said_no else "no") + "]").click()
            if not said_no:
                expect(question.locator(".deduction")).to_be_visible()
            said_no = True
        elif kind in ("select_one", "select_many"):
            question.locator("label.chip").first.click()
        elif kind in ("integer", "decimal"):
            question.locator("input").fill("3")
        elif kind == "text":
            question.locator("textarea").fill("现场整洁，已告知包保单位")
        elif kind == "date":
            question.locator("input").fill(timezone.localdate().isoformat())
        elif kind == "photo":
            question.locator("input[type=file]").set_input_files(
                {"name": "overview.jpg", "mimeType": "image/jpeg", "buffer": small_photo}
            )
            expect(question.locator("img")).to_be_visible()
        elif kind == "geopoint":
            question.locator("button").click()
            expect(question.locator(".coords")).to_be_visible()
        else:
            continue
        answered += 1
    return answered


def fill_inspection(page, hotspot, evidence: bytes, small_photo: bytes):
    page.locator(f"a.hotspot-row[data-hotspot='{hotspot.pk}']").click()
    expect(page.locator("[data-testid=hotspot-detail] h1")).to_have_text(hotspot.name)
    page.locator("[data-testid=start-inspection]").click()
    expect(page.locator("[data-testid=inspection-form]")).to_be_visible()
    expect(page.locator("[data-testid=inspection-position]")).to_contain_text("±8 m")
    answer_checklist(page, small_photo)
    page.locator("[data-testid=add-finding]").click()
    finding = page.locator(".finding").last
    finding.locator("label.chip").first.click()
    finding.locator("textarea").fill("垃圾桶满溢，周边有暴露垃圾")
    finding.locator("[data-testid=finding-camera]").set_input_files(
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": evidence}
    )
    expect(finding.locator(".thumb img")).to_be_visible()


def submit(page):
    page.locator("[data-testid=submit-inspection]").click()
    expect(page.locator("[data-testid=hotspot-detail]")).to_be_visible()


def stored_original(photo: Photo) -> bytes:
    with photo.file.original.open("rb") as handle:
        return handle.read()


def test_an_inspection_filled_offline_survives_a_reload_and_arrives_once_with_its_photo(
    page, field_day, sign_in, screenshot
):
    hotspot = field_day["hotspot"]
    lon, lat = stand_at(page, hotspot)
    evidence = photo_bytes(lat=lat, lon=lon, hours_ago=0.05, seed=41, size=(1600, 1200))
    overview = photo_bytes(lat=lat, lon=lon, hours_ago=0.05, seed=42, size=(640, 480))
    open_app(page, sign_in)

    rows = page.locator("a.hotspot-row")
    expect(rows.first).to_have_attribute("data-hotspot", str(hotspot.pk))  # nearest first
    expect(page.locator("[data-testid=position-line]")).to_contain_text("±8")
    expect(page.locator(".leaflet-interactive").first).to_be_visible()
    screenshot("tablet-hotspots")

    page.context.set_offline(True)
    expect(page.locator("body[data-online=false]")).to_be_attached()
    fill_inspection(page, hotspot, evidence, overview)
    expect(page.locator("#deduction-total")).not_to_be_empty()
    page.locator("[data-testid=inspection-form] h1").scroll_into_view_if_needed()
    screenshot("tablet-inspection")
    submit(page)
    # The inspection (with its finding), the finding's photo and the checklist's photo wait in the outbox.
    queued = int(page.locator("body").get_attribute("data-outbox-count"))
    assert queued == 3

    # Reloaded without a connection: the service worker serves the app, and everything is still queued.
    page.reload()
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("[data-testid=hotspot-detail] h1")).to_have_text(hotspot.name)
    page.locator("[data-tab=hotspots]").click()
    expect(page.locator(f"a.hotspot-row[data-hotspot='{hotspot.pk}'] .pill.queued")).to_be_visible()
    page.locator("[data-testid=outbox-tab]").click()
    expect(page.locator("[data-testid=outbox-waiting] [data-kind=inspection]")).to_have_count(1)
    expect(page.locator("[data-testid=outbox-waiting] [data-kind=inspection]")).to_contain_text(hotspot.name)
    expect(page.locator("[data-testid=outbox-waiting] [data-kind=photo]").first).to_be_visible()
    assert int(page.locator("body").get_attribute("data-outbox-count")) == queued
    assert not Inspection.objects.filter(hotspot=hotspot).exists()

    # The connection returns, and the outbox empties by itself. The server's first answer is lost on the way
    # back: the tablet sends the batch again, and the server recognises what it already has.
    answers_lost = []

    def lose_the_first_answer(route, request):
        if answers_lost:
            return route.continue_()
        answers_lost.append(route.fetch().status)
        route.abort("connectionreset")

    page.context.route("**/api/sync/", lose_the_first_answer)
    page.context.set_offline(False)
    expect(page.locator("body[data-outbox-count='0']")).to_be_attached(timeout=40_000)
    assert answers_lost == [200]
    expect(page.locator("[data-testid=outbox-sent] [data-item]")).to_have_count(3)
    sent_inspection = page.locator("[data-testid=outbox-sent] [data-kind=inspection]")
    expect(sent_inspection).to_have_attribute("data-status", "existing")  # the server had it from the lost answer
    expect(page.locator("[data-testid=outbox-summary]")).not_to_contain_text("1")

    inspection = Inspection.objects.get(hotspot=hotspot)
    assert inspection.inspector == field_day["inspector"]
    assert inspection.phase == field_day["phase"]
    assert inspection.position is not None and inspection.position_accuracy_m == pytest.approx(8)
    assert inspection.checklist_version is not None  # answered with the demo checklist of its category
    finding = Finding.objects.get(inspection=inspection, description__startswith="垃圾桶满溢")
    photo = Photo.objects.get(finding=finding)
    assert stored_original(photo) == evidence
    overview_photo = Photo.objects.get(inspection=inspection, finding=None)  # the checklist's photo question
    assert stored_original(overview_photo) == overview
    assert str(overview_photo.pk) in json.dumps(inspection.answers)
    assert Inspection.objects.filter(hotspot=hotspot).count() == 1
    assert Photo.objects.filter(inspection=inspection).count() == 2


def test_a_photo_upload_cut_off_halfway_resumes_where_it_stopped(page, field_day, sign_in):
    hotspot = field_day["hotspot"]
    lon, lat = stand_at(page, hotspot)
    evidence = photo_bytes(lat=lat, lon=lon, hours_ago=0.05, seed=51, size=(3000, 2250))
    assert len(evidence) > 2 * CHUNK, "the photo must take at least three chunks"
    overview = photo_bytes(lat=lat, lon=lon, hours_ago=0.05, seed=52, size=(640, 480))
    ranges: list[str] = []
    cut = {"done": False}

    def cut_the_second_chunk(route, request):
        if request.method == "PUT" and "content-range" in request.headers:
            ranges.append(request.headers["content-range"])
            start = int(re.match(r"bytes (\d+)-", request.headers["content-range"]).group(1))
            if start > 0 and not cut["done"]:
                cut["done"] = True
                page.context.set_offline(True)
                route.abort("internetdisconnected")
                return
        route.continue_()

    open_app(page, sign_in)
    page.set_viewport_size(PORTRAIT)
    # The app follows Django's language; switching reloads it in English, from a refreshed shell.
    page.select_option("#language", "en")
    expect(page.locator("html[lang=en]")).to_be_attached()
    expect(page.locator("[data-tab=hotspots]")).to_have_text("Hotspots")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    page.context.route("**/api/photos/**", cut_the_second_chunk)
    fill_inspection(page, hotspot, evidence, overview)
    submit(page)

    # The inspection went through; the photo stopped after its first chunk and waits, with the reason shown.
    page.locator("[data-testid=outbox-tab]").click()
    photo_row = page.locator(".outbox-row[data-kind=photo][data-target=finding]")
    expect(photo_row).to_have_attribute("data-status", "retry")
    expect(photo_row.locator("progress")).to_be_visible()
    inspection = Inspection.objects.get(hotspot=hotspot)
    finding = Finding.objects.get(inspection=inspection, description__startswith="垃圾桶满溢")
    assert not Photo.objects.filter(finding=finding).exists()
    assert PhotoUploadSession.objects.get(finding=finding).received == CHUNK

    # Back online: the upload resumes from the server's offset, never from zero, and stores one photo.
    page.context.set_offline(False)
    expect(page.locator("body[data-outbox-count='0']")).to_be_attached()
    photo = Photo.objects.get(finding=finding)
    assert stored_original(photo) == evidence
    total = len(evidence)
    starts = [int(re.match(r"bytes (\d+)-", value).group(1)) for value in ranges if value.endswith(f"/{total}")]
    assert starts[0] == 0 and starts.count(0) == 1, ranges
    assert starts.count(CHUNK) == 2, ranges  # the cut chunk, sent again after HEAD
    assert starts[-1] == CHUNK * (len(evidence) // CHUNK), ranges
    assert Photo.objects.filter(finding=finding).count() == 1
    assert not PhotoUploadSession.objects.filter(finding=finding).exists()
