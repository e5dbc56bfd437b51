"""The managers' map in a real browser, on small data built per test (no basemap: the suite runs offline)."""

import base64
import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import Task, TaskStatus
from tests.conftest import make_world
from tests.factories import running_phase
from tests.inspections.task_builders import make_task, report, submit_fix

pytestmark = pytest.mark.django_db(transaction=True)

# A blank 1×1 PNG as every basemap tile: the basemap switch is tested without the internet.
BLANK_TILE = (
    "data:image/png;base64,"
    + base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
        )
    ).decode()
)


@pytest.fixture
def world(transactional_db):
    return make_world()


@pytest.fixture
def tasks(world):
    """Tasks of the west committee (one fixed with before and after photos, one overdue, one rejected) and one of
    the east committee."""
    inspector = world.users.inspector
    phase = running_phase()
    fixed = report(inspector, phase, lon=116.212, lat=39.846, before_photos=1, seed=3)
    submit_fix(world.users.rectifier, fixed, seed=4)
    overdue = make_task(world, phase, lon=116.216, lat=39.844)
    Task.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    rejected = make_task(world, phase, lon=116.214, lat=39.8425, code="exposed_garbage")
    Task.objects.filter(pk=rejected.pk).update(status=TaskStatus.REJECTED, due_at=timezone.now() + dt.timedelta(days=3))
    east = make_task(world, phase, lon=116.228, lat=39.846)
    assert east.unit == world.east_committee and overdue.unit == world.west_committee
    return {"fixed": fixed, "overdue": overdue, "rejected": rejected, "east": east}


def open_map(page, sign_in, username, query=""):
    sign_in(username, "pw")
    page.goto("/map/" + query)
    expect(page.locator("body[data-map-state=ready]")).to_be_attached()
    return page


def features(page, layer="tasks"):
    return page.locator(f".leaflet-overlay-pane path.feature-{layer}")


def test_manager_sees_tasks_by_status_with_legend_and_a_popup(page, tasks, sign_in, screenshot):
    open_map(page, sign_in, "manager_u")
    expect(features(page)).to_have_count(4)
    overdue = page.locator("path.state-overdue")
    expect(overdue).to_have_count(1)
    assert "emphasis" in overdue.get_attribute("class")
    normal = page.locator("path.state-submitted")
    assert float(overdue.get_attribute("stroke-width")) > float(normal.get_attribute("stroke-width"))
    assert overdue.bounding_box()["width"] > normal.bounding_box()["width"], "overdue is drawn larger"
    assert overdue.get_attribute("fill") == "#d7191c"
    legend = page.locator("[data-testid=legend]")
    expect(legend.locator("li[data-value=overdue]")).to_contain_text("超期")
    expect(legend.locator("li[data-value=rejected]")).to_be_visible()
    screenshot("map-tasks")

    normal.click()
    popup = page.locator(".leaflet-popup-content")
    link = popup.locator("a.popup-link")
    expect(link).to_have_attribute("href", f"/tasks/{tasks['fixed'].pk}/")
    expect(popup.locator("img")).to_have_count(2)  # before and after thumbnails, through the photo view
    page.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-popup-content img')]"
        ".every((i) => i.complete && i.naturalWidth > 0)"
    )
    assert "/api/photos/" in popup.locator("img").first.get_attribute("src")
    link.click()
    page.wait_for_url(f"**/tasks/{tasks['fixed'].pk}/")


def test_a_filter_changes_the_features_and_the_url_and_a_reload_restores_it(page, tasks, sign_in):
    open_map(page, sign_in, "manager_u")
    expect(features(page)).to_have_count(4)
    page.locator("#status-filter input[value=overdue]").check()
    expect(features(page)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"layer=tasks.*status=overdue"))
    page.reload()
    expect(page.locator("body[data-map-state=ready]")).to_be_attached()
    expect(page.locator("#status-filter input[value=overdue]")).to_be_checked()
    expect(features(page)).to_have_count(1)
    query = parse_qs(urlparse(page.url).query)
    assert query["status"] == ["overdue"]


def test_the_heatmap_draws(page, tasks, sign_in, screenshot):
    open_map(page, sign_in, "manager_u", "?view=heat")
    canvas = page.locator("canvas.leaflet-heatmap-layer")
    expect(canvas).to_be_attached()
    page.wait_for_function(
        """() => {
          const canvas = document.querySelector('canvas.leaflet-heatmap-layer');
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;
          return false;
        }"""
    )
    expect(page.locator("[data-testid=legend] .heat-ramp")).to_be_visible()
    screenshot("map-heatmap")
    page.select_option("#heat-select", "overdue")
    expect(page).to_have_url(re.compile(r"heat=overdue"))
    expect(page.locator("body[data-map-state=ready][data-features='1']")).to_be_attached()


MOVED = """(x) => {
  const path = document.querySelector('path.state-overdue');
  return path && Math.abs(path.getBoundingClientRect().x - x) > 20;
}"""


def test_the_amap_basemap_shifts_the_overlays_to_gcj02(page, tasks, sign_in, settings):
    settings.MAP_TILES_URL = BLANK_TILE
    settings.MAP_AMAP_TILES_URL = BLANK_TILE
    open_map(page, sign_in, "manager_u", "?at=15/39.845/116.215")
    assert page.locator("body").get_attribute("data-datum") == "wgs84"
    overdue = page.locator("path.state-overdue")
    before = overdue.bounding_box()
    page.select_option("#basemap-select", "amap")
    expect(page.locator("body[data-datum=gcj02][data-map-state=ready]")).to_be_attached()
    page.wait_for_function(MOVED, arg=before["x"])
    after = page.locator("path.state-overdue").bounding_box()
    # At zoom 15 (3.67 m a pixel here) the GCJ-02 shift in Wanping, about 520 m east and 140 m north, is about
    # 140 px right and 38 px up.
    assert 125 < after["x"] - before["x"] < 160
    assert 28 < before["y"] - after["y"] < 50
    page.select_option("#basemap-select", "osm")
    expect(page.locator("body[data-datum=wgs84][data-map-state=ready]")).to_be_attached()
    page.wait_for_function(MOVED, arg=after["x"])
    assert abs(page.locator("path.state-overdue").bounding_box()["x"] - before["x"]) < 1


def test_a_unit_member_sees_only_the_units_tasks(page, tasks, sign_in):
    open_map(page, sign_in, "rectifier_u")
    expect(features(page)).to_have_count(3)
    expect(page.locator(f".leaflet-overlay-pane path.state-{TaskStatus.DISPATCHED}")).to_have_count(0)


def test_a_volunteer_gets_no_tasks_layer(page, tasks, sign_in):
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    open_map(page, sign_in, "volunteer_u")
    expect(page.locator("#layer-choice input[value=findings]")).to_be_checked()
    expect(page.locator("#layer-choice input[value=tasks]")).to_have_count(0)
    expect(features(page, "findings")).to_have_count(4)
    assert not [url for url in asked if "/layers/tasks" in url]


def test_a_truncated_layer_switches_to_vector_tiles_with_the_same_filters(page, tasks, sign_in, settings):
    settings.MAP_GEOJSON_LIMIT = 2
    tiles = []
    page.on("request", lambda request: "/tiles/" in request.url and tiles.append(request.url))
    open_map(page, sign_in, "manager_u", "?layer=tasks&status=overdue&status=dispatched&status=rejected")
    expect(page.locator("body[data-source=tiles]")).to_be_attached()
    page.wait_for_timeout(500)
    assert tiles, "the page asked for vector tiles"
    url = urlparse(tiles[0])
    assert re.fullmatch(r"/tiles/tasks/\d+/\d+/\d+\.pbf", url.path)
    assert sorted(parse_qs(url.query)["status"]) == ["dispatched", "overdue", "rejected"]


def test_the_time_control_shows_one_day_at_a_time(page, tasks, sign_in):
    open_map(page, sign_in, "manager_u")
    expect(features(page)).to_have_count(4)
    slider = page.locator("#play-day")
    slider.fill("0")  # four weeks ago: nothing was registered then
    today = timezone.localdate()
    first = (today - dt.timedelta(days=27)).isoformat()
    expect(page).to_have_url(re.compile(f"start={first}&end={first}"))
    expect(page.locator("body[data-map-state=ready][data-features='0']")).to_be_attached()
    slider.fill("27")
    expect(page).to_have_url(re.compile(f"start={today.isoformat()}&end={today.isoformat()}"))
    expect(features(page)).to_have_count(4)
    page.locator("#play-clear").click()
    expect(page).not_to_have_url(re.compile("start="))


def test_hexagons_and_community_choropleths_come_from_the_aggregates(page, tasks, sign_in):
    open_map(page, sign_in, "manager_u", "?view=hex")
    expect(page.locator(".leaflet-overlay-pane path.cell").first).to_be_attached()
    assert page.locator(".leaflet-overlay-pane path.cell").count() >= 3
    page.select_option("#view-select", "community")
    page.select_option("#figure-select", "overdue_share")
    expect(page).to_have_url(re.compile(r"view=community&figure=overdue_share"))
    expect(page.locator(".leaflet-overlay-pane path.cell")).to_have_count(2)  # west and east
    expect(page.locator("[data-testid=legend] h3")).to_contain_text("超期占比")


def test_an_export_from_the_map_takes_its_filters_and_downloads_with_photos(page, tasks, sign_in, screenshot):
    import csv
    import io
    import json
    import zipfile

    open_map(page, sign_in, "manager_u", "?layer=tasks&status=submitted")
    expect(features(page)).to_have_count(1)
    panel = page.locator("[data-testid=map-export]")
    expect(panel.locator("#export-layer")).to_have_value("tasks")
    panel.locator("#export-format").select_option("geojson")
    panel.locator("#export-photos").check()
    panel.locator("#export-start").click()
    expect(page.locator("body[data-export-status=ready]")).to_be_attached()
    link = panel.locator("[data-testid=export-download]")
    expect(link).to_be_visible()
    expect(panel.locator("#export-state")).to_contain_text("1 / 1")
    screenshot("map-export")
    with page.expect_download() as download:
        link.click()
    archive = zipfile.ZipFile(download.value.path())
    fixed = str(tasks["fixed"].pk)
    collection = json.loads(archive.read("tasks.geojson"))
    assert [feature["id"] for feature in collection["features"]] == [fixed]
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert sorted(row["role"] for row in manifest) == ["after", "before"]
    assert {row["feature_id"] for row in manifest} == {fixed}
    assert all(archive.getinfo(row["path"]).file_size == int(row["size"]) for row in manifest)

    # Hotspots have no photos: the box cannot be ticked for them.
    panel.locator("#export-layer").select_option("hotspots")
    expect(panel.locator("#export-photos")).to_be_disabled()

    page.goto("/exports/")
    row = page.locator("[data-testid=exports] tr[data-export]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("已完成")
    expect(row.locator("[data-testid=export-download]")).to_have_attribute("href", re.compile(r"/api/exports/\d+/file"))
