"""gis_import and gis_export on the command line."""

import io

import pyogrio
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from geo.models import Hotspot
from tests.geo.io.files import hotspots_frame, write

pytestmark = pytest.mark.django_db


def test_gis_import_dry_run_then_import(world, tmp_path):
    path = write(hotspots_frame(crs="EPSG:4490"), tmp_path, "gpkg")
    out = io.StringIO()
    call_command("gis_import", "hotspots", str(path), "--dry-run", "--user", "admin_u", stdout=out)
    assert "create 2, update 0, refuse 0" in out.getvalue() and not Hotspot.objects.filter(external_id="H-1").exists()
    out = io.StringIO()
    call_command("gis_import", "hotspots", str(path), "--user", "admin_u", stdout=out)
    assert "importing: 2/2" in out.getvalue() and "created 2" in out.getvalue()


def test_gis_import_refused(world, tmp_path):
    with pytest.raises(CommandError, match="coordinate reference system"):
        call_command("gis_import", "hotspots", str(write(hotspots_frame(), tmp_path, "csv")), "--user", "admin_u")


def test_gis_import_refuses_a_column_without_its_field(world, tmp_path):
    path = write(hotspots_frame(), tmp_path, "gpkg")
    with pytest.raises(CommandError, match="--column takes field=column"):
        call_command("gis_import", "hotspots", str(path), "--column", "name", "--user", "admin_u")


def test_gis_export(world, tmp_path):
    out = io.StringIO()
    target = tmp_path / "hotspots.gpkg"
    call_command(
        "gis_export", "hotspots", str(target), "--user", "manager_u", "--filter", f"unit={world.school.pk}", stdout=out
    )
    assert list(pyogrio.read_dataframe(target)["name"]) == [world.stall.name]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostGIS's")
def test_gis_import_bulk(world, tmp_path):
    path = write(hotspots_frame(crs="EPSG:4548"), tmp_path, "gpkg")
    command = ["gis_import", "hotspots", str(path), "--bulk", "--category", "farmers_market"]
    with pytest.raises(CommandError, match="as an administrator"):
        call_command(*command, "--user", "manager_u")
    with pytest.raises(CommandError, match="needs --category"):
        call_command(*command[:4], "--user", "admin_u")
    out = io.StringIO()
    call_command(*command, "--user", "admin_u", stdout=out)
    assert "importing: 2/2" in out.getvalue() and "created 2, updated 0, refused 0" in out.getvalue()
    assert Hotspot.objects.get(external_id="H-2").jurisdiction == world.east
    out = io.StringIO()
    call_command(*command, "--user", "admin_u", stdout=out)
    assert "created 0, updated 2, refused 0" in out.getvalue()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SpatiaLite refuses the COPY path")
def test_gis_import_bulk_needs_postgis(world, tmp_path):
    path = write(hotspots_frame(), tmp_path, "gpkg")
    with pytest.raises(CommandError, match="PostGIS only"):
        call_command("gis_import", "hotspots", str(path), "--bulk", "--category", "farmers_market", "--user", "admin_u")
