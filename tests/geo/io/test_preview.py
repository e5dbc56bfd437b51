import zipfile

import pytest
import shapely

from geo.io import ImportRefused, import_apply, import_preview
from geo.models import Hotspot
from geo.validation import from_shapely
from tests.geo.io.files import WEST, hotspots_frame, write, zipped_shapefile

FORMATS = ["gpkg", "shapefile", "geojson", "kml", "kmz", "csv"]


def preview(path, user, target="hotspots", **kwargs):
    return import_preview(path=path, name=path.name, target=target, user=user, **kwargs)


@pytest.mark.parametrize("kind", FORMATS)
def test_every_format_previews_and_imports(world, tmp_path, kind):
    path = write(hotspots_frame(), tmp_path, kind)
    crs = "EPSG:4326" if kind == "csv" else ""
    plan = preview(path, world.users.admin, crs=crs)
    assert (plan.count, plan.creates, plan.refusals) == (2, 2, 0), [r.reasons for r in plan.rows]
    assert ("name", "name") in [(column.lower(), field) for column, field in plan.mapping_labels()]
    result = import_apply(plan=plan)
    assert result.created == 2
    market = Hotspot.objects.get(name="西门市场")
    assert market.jurisdiction == world.west
    assert market.geometry.contains(from_shapely(WEST))


@pytest.mark.parametrize("crs", ["EPSG:4490", "EPSG:4548", "EPSG:4527"])
def test_cgcs2000_and_gauss_kruger_are_reprojected(world, tmp_path, crs):
    path = write(hotspots_frame(crs=crs), tmp_path, "gpkg")
    plan = preview(path, world.users.admin)
    assert plan.creates == 2
    assert crs.split(":")[1] in plan.crs
    import_apply(plan=plan)
    market = Hotspot.objects.get(external_id="H-1")
    assert market.geometry.srid == 4326
    assert market.geometry.contains(from_shapely(WEST))


def test_a_file_without_crs_is_refused_unless_named(world, tmp_path):
    path = zipped_shapefile(hotspots_frame(crs=None), tmp_path, leave_out=(".prj", ".cpg"))
    with pytest.raises(ImportRefused, match="coordinate reference system"):
        preview(path, world.users.admin)
    assert preview(path, world.users.admin, crs="EPSG:4326").creates == 2


def test_a_csv_needs_its_crs_named(world, tmp_path):
    with pytest.raises(ImportRefused, match="coordinate reference system"):
        preview(write(hotspots_frame(), tmp_path, "csv"), world.users.admin)


def test_shapefile_zip_missing_its_dbf(world, tmp_path):
    path = zipped_shapefile(hotspots_frame(), tmp_path, leave_out=(".dbf",))
    with pytest.raises(ImportRefused, match=r"lacks its \.dbf"):
        preview(path, world.users.admin)


def test_a_zip_bomb_is_refused(world, tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("places.shp", b"\0" * 50_000_000)
        archive.writestr("places.shx", b"\0")
        archive.writestr("places.dbf", b"\0")
    with pytest.raises(ImportRefused, match="zip bomb"):
        preview(path, world.users.admin)


def test_an_unknown_format_and_a_too_large_file(world, tmp_path, settings):
    other = tmp_path / "places.dwg"
    other.write_bytes(b"AC1027")
    with pytest.raises(ImportRefused, match="GeoPackage"):
        preview(other, world.users.admin)
    settings.GIS_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportRefused, match="at most"):
        preview(write(hotspots_frame(), tmp_path, "gpkg"), world.users.admin)


def test_csv_with_bad_coordinates_refuses_those_rows(world, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(
        "name,category,lon,lat\n西门市场,farmers_market,116.212,39.846\n坏点,farmers_market,abc,39.8\n"
        "远点,farmers_market,316.2,39.8\n",
        encoding="utf-8",
    )
    plan = preview(path, world.users.admin, crs="EPSG:4326")
    assert [row.action for row in plan.rows] == ["create", "refuse", "refuse"]
    assert "not numbers" in plan.rows[1].reasons[0]
    assert "outside" in plan.rows[2].reasons[0]
    with pytest.raises(ImportRefused, match="2 rows are refused"):
        import_apply(plan=plan)
    assert not Hotspot.objects.filter(name="西门市场").exists()
    assert import_apply(plan=plan, skip_refused=True).created == 1


def test_invalid_polygons_repaired_or_refused(world, tmp_path):
    bowtie = shapely.from_wkt("POLYGON((116.210 39.845,116.214 39.849,116.214 39.845,116.210 39.849,116.210 39.845))")
    spike = shapely.from_wkt("POLYGON((116.210 39.845,116.214 39.845,116.210 39.845,116.210 39.845))")
    rows = [
        {"external_id": "B", "name": "蝴蝶", "category": "farmers_market", "geometry": bowtie},
        {"external_id": "S", "name": "线", "category": "farmers_market", "geometry": spike},
    ]
    plan = preview(write(hotspots_frame(rows=rows), tmp_path, "geojson"), world.users.admin)
    assert plan.rows[0].action == "create" and "Self-intersection" in plan.rows[0].repaired
    assert plan.rows[1].action == "refuse" and plan.rows[1].number == 2
    import_apply(plan=plan, skip_refused=True)
    assert Hotspot.objects.get(external_id="B").geometry.valid


def test_reimport_with_external_ids_updates(world, tmp_path):
    path = write(hotspots_frame(), tmp_path, "gpkg")
    import_apply(plan=preview(path, world.users.admin))
    changed = hotspots_frame()
    changed.loc[0, "name"] = "西门农贸市场"
    (tmp_path / "again").mkdir()
    again = preview(write(changed, tmp_path / "again", "gpkg"), world.users.admin)
    assert (again.creates, again.updates) == (0, 2)
    import_apply(plan=again)
    assert Hotspot.objects.filter(external_id__in=["H-1", "H-2"]).count() == 2
    assert Hotspot.objects.get(external_id="H-1").name == "西门农贸市场"


def test_a_manager_imports_only_inside_their_jurisdiction(world, tmp_path):
    path = write(hotspots_frame(), tmp_path, "gpkg")
    plan = preview(path, world.users.west_manager)
    assert [row.action for row in plan.rows] == ["create", "refuse"]
    assert "outside your area" in plan.rows[1].reasons[0]


def test_a_file_row_outside_the_district_is_refused(world, tmp_path):
    rows = [{"external_id": "X", "name": "远处", "category": "farmers_market", "geometry": shapely.Point(117, 40)}]
    plan = preview(write(hotspots_frame(rows=rows), tmp_path, "geojson"), world.users.admin)
    assert plan.rows[0].action == "refuse" and "outside every jurisdiction" in plan.rows[0].reasons[0]


def test_jurisdictions_and_units_import(world, tmp_path):
    grid = shapely.box(116.201, 39.840, 116.202, 39.841)
    rows = [
        {"code": "110106016001002", "name": "西社区第2网格", "geometry": grid},
        {"code": "110106016001002001", "name": "子网格", "kind": "grid", "geometry": grid},
    ]
    frame = hotspots_frame(rows=rows, crs="EPSG:4548")
    plan = preview(write(frame, tmp_path, "gpkg"), world.users.manager, target="jurisdictions")
    assert plan.refusals == 1  # a grid cell cannot hold a grid cell
    plan = preview(
        write(frame.iloc[:1], tmp_path / "one" if (tmp_path / "one").mkdir() is None else tmp_path, "gpkg"),
        world.users.manager,
        target="jurisdictions",
    )
    import_apply(plan=plan)
    from geo.models import Jurisdiction, Unit

    assert Jurisdiction.objects.get(code="110106016001002").parent == world.west
    units = hotspots_frame(
        rows=[{"单位名称": "西门物业", "类型": "物业公司", "geometry": shapely.box(116.211, 39.845, 116.213, 39.847)}]
    )
    (tmp_path / "units").mkdir()
    plan = preview(write(units, tmp_path / "units", "geojson"), world.users.manager, target="units")
    assert plan.creates == 1, plan.rows[0].reasons
    import_apply(plan=plan)
    assert Unit.objects.get(name="西门物业").jurisdiction == world.west
