"""The COPY path for large hotspot files (PostGIS only): the same rows as the preview would make, re-import updates,
a row outside the district refuses the whole file; its in-memory placement is resolve_jurisdiction's."""

from datetime import timedelta

import numpy as np
import pytest
import shapely
from django.db import connection, transaction
from django.utils import timezone

from geo.io import ImportRefused, import_preview
from geo.io.bulk import JurisdictionIndex, bulk_import_hotspots
from geo.models import Hotspot, RiskLevel
from geo.routing import resolve_jurisdiction
from geo.validation import from_shapely
from tests.geo.io.files import EAST, WEST, hotspots_frame, write, zipped_shapefile

pytestmark = pytest.mark.django_db
copy_path = pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostGIS's")


@copy_path
def test_bulk_import_places_and_updates(world, tmp_path):
    path = write(hotspots_frame(crs="EPSG:4548"), tmp_path, "gpkg")
    result = bulk_import_hotspots(path=path, category="farmers_market")
    assert (result.created, result.updated) == (2, 0)
    market = Hotspot.objects.get(external_id="H-1")
    assert market.jurisdiction == world.west and market.geometry.contains(shapely_point(WEST))
    assert Hotspot.objects.get(external_id="H-2").jurisdiction == world.east
    again = bulk_import_hotspots(path=zipped_shapefile(hotspots_frame(), tmp_path), category="farmers_market")
    assert (again.created, again.updated) == (0, 2)


@copy_path
def test_bulk_import_is_all_or_nothing(world, tmp_path):
    rows = [
        {"external_id": "A", "name": "内", "geometry": EAST},
        {"external_id": "B", "name": "外", "geometry": shapely.Point(117, 40)},
    ]
    path = write(hotspots_frame(rows=rows), tmp_path, "gpkg")
    with pytest.raises(ImportRefused, match="Row 2"):
        bulk_import_hotspots(path=path, category="farmers_market")
    assert not Hotspot.objects.filter(external_id="A").exists()
    assert bulk_import_hotspots(path=path, category="farmers_market", skip_refused=True).created == 1


@copy_path
def test_bulk_import_stores_each_field(world, tmp_path):
    clockwise = shapely.Polygon([(116.21, 39.845), (116.21, 39.846), (116.211, 39.846), (116.211, 39.845)])
    rows = [
        {"external_id": "F-1", "name": "西门市场", "address": "宛平路 1 号", "geometry": clockwise},
        # Tab, newline and backslash travel as they are; no address; on the west–east border: the lower code.
        {"external_id": None, "name": "a\tb\nc\\d", "address": None, "geometry": shapely.Point(116.22, 39.85)},
        {
            "external_id": "F-3",
            "name": "网格内",
            "address": "",
            "geometry": shapely.Point(116.2005, 39.8405).buffer(1e-4),
        },
    ]
    before = timezone.now()
    result = bulk_import_hotspots(path=write(hotspots_frame(rows=rows), tmp_path, "gpkg"), category="farmers_market")
    assert (result.created, result.updated, result.refused) == (3, 0, [])
    market, border, cell = (Hotspot.objects.get(name=row["name"]) for row in rows)
    assert (market.external_id, market.address, market.jurisdiction) == ("F-1", "宛平路 1 号", world.west)
    assert (border.external_id, border.address, border.jurisdiction) == ("", "", world.west)
    assert cell.jurisdiction == world.cell and cell.external_id == "F-3"
    for hotspot in (market, border, cell):
        assert hotspot.geometry.srid == 4326 and hotspot.category.code == "farmers_market"
        assert (hotspot.risk_level, hotspot.active) == (RiskLevel.MEDIUM, True)
        assert before <= hotspot.created_at == hotspot.updated_at <= timezone.now() + timedelta(seconds=1)
    stored = shapely.from_wkb(bytes(market.geometry.wkb))
    assert stored.exterior.is_ccw and stored.normalize().equals_exact(clockwise.normalize(), 1e-9)
    assert border.geometry.equals(from_shapely(shapely.Point(116.22, 39.85)))


@copy_path
def test_bulk_import_drops_z(world, tmp_path):
    rows = [
        {
            "external_id": "Z-1",
            "name": "立体",
            "geometry": shapely.Polygon([(x, y, 5.0) for x, y in WEST.buffer(1e-4).exterior.coords]),
        }
    ]
    assert (
        bulk_import_hotspots(path=write(hotspots_frame(rows=rows), tmp_path, "gpkg"), category="farmers_market").created
        == 1
    )
    geometry = Hotspot.objects.get(external_id="Z-1").geometry
    assert not geometry.hasz and geometry.srid == 4326


@copy_path
def test_bulk_import_in_batches(world, tmp_path, monkeypatch):
    monkeypatch.setattr("geo.io.bulk.FIRST_BATCH", 1)
    monkeypatch.setattr("geo.io.bulk.BATCH", 2)
    rows = [{"external_id": f"B-{i}", "name": f"点 {i}", "geometry": WEST if i % 2 else EAST} for i in range(5)]
    seen = []
    result = bulk_import_hotspots(
        path=write(hotspots_frame(rows=rows), tmp_path, "gpkg"),
        category="farmers_market",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert result.created == 5 and seen == [(1, 5), (3, 5), (5, 5)]
    assert Hotspot.objects.get(external_id="B-3").jurisdiction == world.west
    rows[4]["external_id"] = "B-1"  # a later batch repeats an id
    with pytest.raises(ImportRefused, match="Row 5: its external id “B-1” is on an earlier row"):
        bulk_import_hotspots(path=write(hotspots_frame(rows=rows), tmp_path, "gpkg"), category="farmers_market")
    assert Hotspot.objects.get(external_id="B-4").name == "点 4"


@copy_path
def test_bulk_import_leaves_the_foreign_keys_deferred(world, tmp_path):
    """It checks them batch by batch, then gives the caller's transaction back as it was."""
    bulk_import_hotspots(path=write(hotspots_frame(), tmp_path, "gpkg"), category="farmers_market")
    hotspot = Hotspot.objects.get(external_id="H-1")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE geo_hotspot SET jurisdiction_id = -1 WHERE id = %s", [hotspot.pk])  # not checked yet
        transaction.set_rollback(True)


BOW_TIE = shapely.Polygon([(116.23, 39.845), (116.232, 39.847), (116.232, 39.845), (116.23, 39.847)])


def _troubled_rows():
    """Rows the preview refuses, each for its own reason, around two it takes."""
    line = shapely.LineString([(116.21, 39.845), (116.211, 39.846)])
    return [
        {"external_id": "T-1", "name": "好", "address": "路 1 号", "geometry": WEST.buffer(1e-4)},
        {"external_id": "T-2", "name": " ", "geometry": WEST},  # an empty name
        {"external_id": "T-3", "name": "长" * 121, "geometry": WEST},
        {"external_id": "T-4", "name": "址", "address": "路" * 201, "geometry": WEST},
        {"external_id": "T" * 65, "name": "号", "geometry": WEST},
        {"external_id": "T-6", "name": "线", "geometry": line},
        {"external_id": "T-7", "name": "空", "geometry": None},
        {"external_id": "T-8", "name": "外", "geometry": shapely.Point(117, 40)},
        {"external_id": "T-9", "name": "一点", "geometry": shapely.MultiPoint([EAST])},  # taken as its point
        {"external_id": "T-10", "name": "蝴蝶", "geometry": BOW_TIE},  # repaired: two triangles
        {"external_id": "T-11", "name": "远", "geometry": shapely.Point(500, 40)},
    ]


@copy_path
def test_bulk_import_refuses_what_the_preview_refuses(world, tmp_path):
    path = write(hotspots_frame(rows=_troubled_rows()), tmp_path, "gpkg")
    plan = import_preview(
        path=path, name=path.name, target="hotspots", user=world.users.admin, defaults={"category": "farmers_market"}
    )
    expected = [(row.number, "; ".join(row.reasons)) for row in plan.of("refuse")]
    assert [number for number, _reason in expected] == [2, 3, 4, 5, 6, 7, 8, 11]
    with pytest.raises(ImportRefused, match=r"^Row 2: name: This field cannot be blank\. Nothing was imported\.$"):
        bulk_import_hotspots(path=path, category="farmers_market")
    assert not Hotspot.objects.filter(external_id__startswith="T-").exists()
    result = bulk_import_hotspots(path=path, category="farmers_market", skip_refused=True)
    assert (result.created, result.updated) == (3, 0)
    assert [number for number, _reason in result.refused] == [2, 3, 4, 5, 6, 7, 8, 11]
    assert (
        result.repaired
        == [(row.number, row.repaired) for row in plan.repairs]
        == [(10, "Self-intersection[116.231 39.846]")]
    )
    butterfly = shapely.from_wkb(bytes(Hotspot.objects.get(external_id="T-10").geometry.wkb))
    assert butterfly.geom_type == "MultiPolygon" and butterfly.area == pytest.approx(2e-6)
    reasons = dict(result.refused)
    assert reasons[3] == "name: Ensure this value has at most 120 characters (it has 121)."
    assert reasons[4] == "address: Ensure this value has at most 200 characters (it has 201)."
    assert reasons[5] == "external_id: Ensure this value has at most 64 characters (it has 65)."
    assert reasons[6] == "a LineString cannot be imported here (expected: Point, Polygon, MultiPolygon)"
    assert reasons[7] == "the feature has no geometry"
    assert reasons[8] == "the location is outside every jurisdiction of the district"
    assert reasons[11] == "the coordinates (500.000000, 40.000000) are outside longitude −180…180, latitude −90…90"
    for number, reason in expected:  # the preview's own words, but for the place (its wording differs)
        if number != 8:
            assert reasons[number] == reason
    point = Hotspot.objects.get(external_id="T-9")
    assert point.geometry.geom_type == "Point" and point.jurisdiction == world.east
    assert Hotspot.objects.get(external_id="T-1").address == "路 1 号"


@copy_path
def test_bulk_import_names_a_repeated_id_even_when_skipping_refused_rows(world, tmp_path):
    rows = _troubled_rows()[:3] + [{"external_id": "T-1", "name": "又", "geometry": EAST}]
    path = write(hotspots_frame(rows=rows), tmp_path, "gpkg")
    with pytest.raises(ImportRefused, match="Row 4: its external id “T-1” is on an earlier row"):
        bulk_import_hotspots(path=path, category="farmers_market", skip_refused=True)
    with pytest.raises(ImportRefused, match="Row 2: name: This field cannot be blank"):
        bulk_import_hotspots(path=path, category="farmers_market")


@copy_path
def test_bulk_import_mixes_new_and_updated_rows_in_every_batch(world, tmp_path, monkeypatch):
    """Updates wait in a spooled file (forced to disk here) and land after the new rows, in one transaction."""
    monkeypatch.setattr("geo.io.bulk.FIRST_BATCH", 2)
    monkeypatch.setattr("geo.io.bulk.BATCH", 3)
    monkeypatch.setattr("geo.io.bulk.SPOOL_BYTES", 16)
    first = [{"external_id": f"M-{i}", "name": f"旧 {i}", "geometry": WEST} for i in range(0, 10, 2)]
    bulk_import_hotspots(path=write(hotspots_frame(rows=first), tmp_path, "gpkg"), category="farmers_market")
    rows = [{"external_id": f"M-{i}", "name": f"新 {i}", "geometry": EAST} for i in range(10)]
    result = bulk_import_hotspots(path=write(hotspots_frame(rows=rows), tmp_path, "gpkg"), category="farmers_market")
    assert (result.created, result.updated, result.refused) == (5, 5, [])
    stored = {h.external_id: (h.name, h.jurisdiction) for h in Hotspot.objects.filter(external_id__startswith="M-")}
    assert stored == {f"M-{i}": (f"新 {i}", world.east) for i in range(10)}


def test_jurisdiction_index_is_resolve_jurisdiction_point_by_point(world):
    rng = np.random.default_rng(11)
    points = [
        *shapely.points(np.column_stack([rng.uniform(116.195, 116.245, 300), rng.uniform(39.835, 39.865, 300)])),
        *shapely.points(np.column_stack([116.2005 + rng.normal(0, 0.0005, 60), 39.8405 + rng.normal(0, 0.0005, 60)])),
        # Shared borders and corners (the cell's too), and outside the district.
        *shapely.points([(116.22, 39.85), (116.2, 39.84), (116.201, 39.841), (116.201, 39.8405), (116.5, 39.9)]),
    ]
    found = JurisdictionIndex("default").deepest(np.array(points + [shapely.Point(116.2005, 39.8405).buffer(1e-4)]))
    expected = [getattr(resolve_jurisdiction(from_shapely(point)), "pk", -1) for point in points]
    assert list(found[:-1]) == expected and found[-1] == world.cell.pk
    assert {-1, world.west.pk, world.east.pk, world.cell.pk} <= set(expected)


def shapely_point(point):
    from geo.validation import from_shapely

    return from_shapely(point)


@copy_path
def test_bulk_import_of_an_empty_layer(world, tmp_path):
    frame = hotspots_frame().iloc[0:0]
    seen = []
    result = bulk_import_hotspots(
        path=write(frame, tmp_path, "gpkg"), category="farmers_market", progress=lambda *step: seen.append(step)
    )
    assert (result.created, result.updated, result.refused, seen) == (0, 0, [], [])


@copy_path
def test_bulk_import_refuses_an_unreadable_file_or_one_without_a_crs(world, tmp_path):
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"not a GeoPackage at all")
    with pytest.raises(ImportRefused, match="The file cannot be read as gpkg"):
        bulk_import_hotspots(path=broken, category="farmers_market")
    no_prj = zipped_shapefile(hotspots_frame(), tmp_path, leave_out=(".prj",))
    with pytest.raises(ImportRefused, match="does not say which coordinate reference system"):
        bulk_import_hotspots(path=no_prj, category="farmers_market")
    assert bulk_import_hotspots(path=no_prj, category="farmers_market", crs="EPSG:4326").created == 2
    nameless = write(hotspots_frame().drop(columns="name"), tmp_path, "gpkg")
    with pytest.raises(ImportRefused, match=r"no column for: name \(name\)"):
        bulk_import_hotspots(path=nameless, category="farmers_market")
