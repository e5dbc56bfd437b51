"""Every export format written from the test world and read back (pyogrio, openpyxl, csv) against the database."""

import csv
import io
import json
import zipfile

import pyogrio
import pytest
from openpyxl import load_workbook

from geo.layers import get_layer
from geo.layers.export import export_file
from geo.layers.export.writers import write_gpkg
from inspections.models import Task

pytestmark = pytest.mark.django_db


def rows(name, user):
    layer = get_layer(name)
    return layer, layer.queryset(user, {})


def test_gpkg_of_tasks_matches_the_database(mapped, tmp_path):
    layer, tasks = rows("tasks", mapped.world.users.manager)
    path = tmp_path / "tasks.gpkg"
    write_gpkg(layer, tasks, path)
    frame = pyogrio.read_dataframe(path)
    assert sorted(frame["id"]) == sorted(str(pk) for pk in tasks.values_list("pk", flat=True))
    task = Task.objects.get(pk=mapped.east_overdue.pk)
    row = frame[frame["id"] == str(task.pk)].iloc[0]
    assert row["state"] == "overdue" and row["status"] == task.status
    assert row.geometry.distance(__import__("shapely").from_wkb(bytes(task.location.wkb))) < 1e-9
    assert str(frame.crs.to_epsg()) == "4326"


def test_chunks_are_appended(mapped, tmp_path, monkeypatch):
    monkeypatch.setattr("geo.layers.export.rows.CHUNK_ROWS", 1)
    layer, tasks = rows("tasks", mapped.world.users.admin)
    path = tmp_path / "tasks.gpkg"
    seen = []
    write_gpkg(layer, tasks, path, progress=seen.append)
    assert len(pyogrio.read_dataframe(path)) == tasks.count() == seen[-1]


def test_hotspots_shapefile_zip_splits_points_and_outlines(world, tmp_path):
    layer, hotspots = rows("hotspots", world.users.admin)
    path = tmp_path / "hotspots.zip"
    export_file(layer, hotspots, "shp", path)
    names = zipfile.ZipFile(path).namelist()
    assert {"hotspots_point.shp", "hotspots_polygon.shp", "hotspots_point.dbf"} <= set(names)
    points = pyogrio.read_dataframe(f"/vsizip/{path}/hotspots_point.shp")
    outlines = pyogrio.read_dataframe(f"/vsizip/{path}/hotspots_polygon.shp")
    assert list(points["name"]) == [world.stall.name] and list(outlines["name"]) == [world.plot.name]


def test_kml_and_geojson_and_csv(world, tmp_path):
    layer, jurisdictions = rows("jurisdictions", world.users.admin)
    export_file(layer, jurisdictions, "kml", tmp_path / "j.kml")
    assert len(pyogrio.read_dataframe(tmp_path / "j.kml")) == jurisdictions.count()
    export_file(layer, jurisdictions, "geojson", tmp_path / "j.geojson")
    body = json.loads((tmp_path / "j.geojson").read_text())
    assert sorted(f["properties"]["code"] for f in body["features"]) == sorted(j.code for j in jurisdictions)
    export_file(layer, jurisdictions, "csv", tmp_path / "j.csv")
    table = list(csv.DictReader(io.StringIO((tmp_path / "j.csv").read_text(encoding="utf-8-sig"))))
    assert {row["code"]: row["name"] for row in table} == {j.code: j.name for j in jurisdictions}
    assert table[0]["wkt"].startswith("MULTIPOLYGON")


def test_xlsx_ledger_has_chinese_headers(mapped, tmp_path, settings):
    from django.utils import translation

    layer, findings = rows("findings", mapped.world.users.manager)
    with translation.override("zh-hans"):
        export_file(layer, findings, "xlsx", tmp_path / "f.xlsx")
    sheet = load_workbook(tmp_path / "f.xlsx").active
    header = [cell.value for cell in sheet[3]]
    assert header[:2] == ["序号", "编号"] and "经度" in header and "纬度" in header
    assert sheet.max_row == 3 + findings.count()
