"""A manager imports hotspots from a GeoPackage in the browser: upload, preview (counts, mapping, the refused row),
then confirm."""

import pytest
import shapely
from playwright.sync_api import expect

from geo.models import Hotspot
from tests.conftest import make_world
from tests.geo.io.files import hotspots_frame, write

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_previews_and_confirms_an_import(page, sign_in, tmp_path, screenshot):
    make_world()
    rows = [
        {
            "external_id": "E-1",
            "name": "西门市场",
            "category": "farmers_market",
            "geometry": shapely.Point(116.212, 39.846),
        },
        {
            "external_id": "E-2",
            "name": "东侧工地",
            "category": "construction_site",
            "geometry": shapely.Point(116.231, 39.846),
        },
        {"external_id": "E-3", "name": "远处", "category": "farmers_market", "geometry": shapely.Point(117.5, 40.5)},
    ]
    path = write(hotspots_frame(rows=rows, crs="EPSG:4548"), tmp_path, "gpkg")
    sign_in("manager_u", "pw")
    page.goto("/places/import/")
    page.select_option("#id_target", "hotspots")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=import-preview-button]")
    preview = page.locator("[data-testid=import-preview]")
    expect(preview).to_be_visible()
    expect(page.locator("[data-testid=import-counts]")).to_contain_text("2")
    expect(page.locator("tr.import-refuse")).to_have_count(1)
    screenshot("gis-import-preview")
    assert not Hotspot.objects.filter(external_id__startswith="E-").exists()
    page.check("[data-testid=skip-refused]")
    page.click("[data-testid=import-confirm]")
    expect(page.locator("[data-testid=message]")).to_be_visible()
    assert sorted(Hotspot.objects.filter(external_id__startswith="E-").values_list("external_id", flat=True)) == [
        "E-1",
        "E-2",
    ]
