"""A manager reviews inspections in a real browser: the list, its filters, and one inspection with photos and map."""

import datetime as dt
import io
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files import File
from django.utils import timezone, translation
from playwright.sync_api import expect

from geo.models import Hotspot
from inspections.evidence.inspections import FindingInput, InspectionInput, hotspot_anchor, inspection_submit
from inspections.evidence.photos import Upload, photo_upload
from inspections.evidence.problem_types import ensure_default_problem_types
from inspections.models import FlagCode, PhotoFlag, PhotoRole, ProblemType
from tests.factories import running_phase
from tests.inspections.conftest import photo_bytes

pytestmark = pytest.mark.django_db(transaction=True)

# About 340 m east of a finding at Wanping's latitude: far beyond the 100 m the photo checks allow.
FAR_EAST_DEGREES = 0.004
TABLETS = [(1024, 768), (768, 1024)]


def _upload(user, finding, data: bytes, role=PhotoRole.BEFORE):
    upload = Upload(
        id=uuid.uuid4(),
        inspection=finding.inspection,
        finding=finding,
        role=role,
        file=File(io.BytesIO(data), "photo.jpg"),
    )
    photo, _ = photo_upload(user=user, upload=upload)
    return photo


@pytest.fixture
def field_work(demo):
    """Inspections of the demo's sponsored hotspots, through the services; the newest has a near and a far photo."""
    ensure_default_problem_types()
    phase = running_phase(
        "创建首都文明区 · 城市清洁日（测试）", "Capital civilized district · city cleaning day (test)"
    )
    inspector = get_user_model().objects.get(username="inspector")
    hotspots = list(Hotspot.objects.filter(active=True).exclude(sponsoring_unit=None).order_by("pk")[:5])
    now = timezone.now()
    inspections = []
    for index, hotspot in enumerate(hotspots):
        anchor = hotspot_anchor(hotspot)
        problem = ProblemType.objects.filter(categories=hotspot.category, active=True).order_by("sort_order").first()
        started = now - dt.timedelta(hours=2 + index * 3)
        inspection, _ = inspection_submit(
            user=inspector,
            data=InspectionInput(
                id=uuid.uuid4(),
                phase=phase,
                hotspot=hotspot,
                started_at=started,
                ended_at=started + dt.timedelta(minutes=18),
                position=anchor,
                accuracy_m=6.0,
                answers={
                    "环境整洁": index % 2 == 1,
                    "秩序规范": True,
                    "发现问题": [problem.name],
                    "备注": "已告知包保单位",
                },
                findings=[
                    FindingInput(
                        id=uuid.uuid4(),
                        problem_type=problem,
                        description=f"{hotspot.name}：{problem.name}，需尽快整改。",
                        location=anchor,
                    )
                ],
            ),
        )
        inspections.append(inspection)
    newest = inspections[0]
    finding = newest.findings.get()
    lon, lat = finding.location.x, finding.location.y
    near = _upload(inspector, finding, photo_bytes(lat=lat + 0.00005, lon=lon + 0.00004, seed=21))
    far = _upload(inspector, finding, photo_bytes(lat=lat, lon=lon + FAR_EAST_DEGREES, seed=22))
    return {"inspection": newest, "hotspot": newest.hotspot, "finding": finding, "near": near, "far": far}


def test_manager_filters_inspections_and_reviews_one_with_photos_flags_and_map(page, field_work, sign_in, screenshot):
    hotspot = field_work["hotspot"]
    sign_in("manager")
    page.goto("/inspections/")
    rows = page.locator("[data-testid=inspections-table] tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text(hotspot.name)
    expect(rows.first.locator(".badge-warn")).to_have_text(re.compile(r"1"))
    screenshot("inspections")

    page.select_option("#id_flag", FlagCode.FAR_FROM_FINDING.value)
    page.fill("#id_hotspot", hotspot.name[:4])
    page.locator(".filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"flag=far_from_finding"))
    expect(rows).to_have_count(1)
    expect(page.locator("#id_flag")).to_have_value(FlagCode.FAR_FROM_FINDING.value)

    rows.first.locator("a.row-link").click()
    page.wait_for_url(f"**/inspections/{field_work['inspection'].pk}/")
    expect(page.locator("h1")).to_have_text(hotspot.name)

    thumbnails = page.locator(".gallery img")
    expect(thumbnails).to_have_count(2)
    for index in range(2):
        thumbnails.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gallery img')].every((img) => img.complete && img.naturalWidth > 0)"
    )

    flag = PhotoFlag.objects.get(photo=field_work["far"], code=FlagCode.FAR_FROM_FINDING)
    metres = Decimal(str(flag.value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    with translation.override("zh-hans"):
        label = str(FlagCode.FAR_FROM_FINDING.label)
    flags = page.locator(f"#photo-{field_work['far'].pk} [data-testid=flag]")
    expect(flags).to_have_count(1)
    expect(flags).to_contain_text(label)
    expect(flags).to_contain_text(f"{metres:,}")
    expect(page.locator(f"#photo-{field_work['near'].pk} [data-testid=flag]")).to_have_count(0)

    expect(page.locator("#inspection-map[data-ready=true]")).to_be_attached()
    expect(page.locator(".leaflet-marker-icon.finding-marker")).to_have_count(1)
    expect(page.locator(".leaflet-marker-icon.photo-marker")).to_have_count(2)
    expect(page.locator(".leaflet-marker-icon.photo-marker.flagged")).to_have_count(1)
    expect(page.locator("#inspection-map path.photo-line")).to_have_count(2)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("inspection-detail")

    for width, height in TABLETS:
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways at {width}×{height}"
        box = page.locator("#inspection-map").bounding_box()
        assert box and box["width"] > 250 and box["height"] > 200

    page.set_viewport_size({"width": 1280, "height": 800})
    page.select_option("#language-select", "en")
    page.wait_for_load_state("load")
    expect(flags).to_contain_text(f"Taken far from the finding: {metres:,} m (threshold 100 m)")


def test_a_rectifier_is_turned_away(page, field_work, sign_in):
    sign_in("rectifier")
    response = page.goto("/inspections/")
    assert response.status == 403
