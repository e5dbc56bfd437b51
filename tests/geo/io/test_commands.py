"""gis_import and gis_export on the command line."""

import io

import pyogrio
import pytest
from django.core.management import CommandError, call_command

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


def test_gis_export(world, tmp_path):
    out = io.StringIO()
    target = tmp_path / "hotspots.gpkg"
    call_command(
        "gis_export", "hotspots", str(target), "--user", "manager_u", "--filter", f"unit={world.school.pk}", stdout=out
    )
    assert list(pyogrio.read_dataframe(target)["name"]) == [world.stall.name]
