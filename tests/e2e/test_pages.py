import re

import pytest
from playwright.sync_api import expect

from geo.models import Hotspot

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_signs_in_and_sees_a_hotspot_on_the_admin_map(page, demo, sign_in, screenshot):
    hotspot = Hotspot.objects.filter(geometry__isnull=False).exclude(sponsoring_unit=None).order_by("pk").first()
    sign_in("admin")
    page.goto(f"/admin/geo/hotspot/{hotspot.pk}/change/")
    map_box = page.locator(".leaflet-container").first
    expect(map_box).to_be_visible()
    drawn = page.locator(".leaflet-marker-icon, .leaflet-overlay-pane path")
    expect(drawn.first).to_be_visible()
    expect(page.locator("#id_name")).to_have_value(hotspot.name)
    screenshot("admin-hotspot")


def test_manager_sees_the_demo_hotspots_on_the_map(page, demo, sign_in, screenshot):
    sign_in("manager")
    expect(page.locator(".tile.primary a")).to_have_attribute("href", "/map/")
    screenshot("home")
    page.goto("/map/")
    expect(page.locator("body[data-map-state=ready]")).to_be_attached()
    expect(page.locator("#layer-choice input[value=tasks]")).to_be_checked()  # the tasks: test_map.py
    expect(page.locator(".leaflet-overlay-pane path.community").first).to_be_attached()
    page.locator("#layer-choice input[value=hotspots]").check()
    expect(page.locator("body[data-map-state=ready]")).to_be_attached()
    assert page.locator(".leaflet-overlay-pane path.feature-hotspots").count() >= 60
    screenshot("map")
    page.select_option("#map-filters select[name=category]", "construction_site")
    expect(page).to_have_url(re.compile(r"layer=hotspots.*category=construction_site"))
    hotspots = page.locator(".leaflet-overlay-pane path.feature-hotspots")
    expect(page.locator("body[data-map-state=ready]")).to_be_attached()
    expect(hotspots.first).to_be_attached()
    assert 0 < hotspots.count() < 60
    hotspots.first.dispatch_event("click")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("建筑工地")


def test_language_switch_to_english_and_back(page, demo, sign_in):
    sign_in("inspector")
    expect(page.locator("header")).to_contain_text("退出登录")
    page.select_option("#language-select", "en")
    page.wait_for_load_state("load")
    expect(page.locator("header")).to_contain_text("Sign out")
    expect(page.locator("h1")).to_have_text(re.compile("Welcome"))
    page.select_option("#language-select", "zh-hans")
    expect(page.locator("header")).to_contain_text("退出登录")
