"""The COPY path for large hotspot files (PostGIS only): the same rows as the preview would make, re-import updates,
a row outside the district refuses the whole file."""

import pytest
import shapely
from django.db import connection

from geo.io import ImportRefused
from geo.io.bulk import bulk_import_hotspots
from geo.models import Hotspot
from tests.geo.io.files import EAST, WEST, hotspots_frame, write, zipped_shapefile

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostGIS's"),
]


def test_bulk_import_places_and_updates(world, tmp_path):
    path = write(hotspots_frame(crs="EPSG:4548"), tmp_path, "gpkg")
    result = bulk_import_hotspots(path=path, category="farmers_market")
    assert (result.created, result.updated) == (2, 0)
    market = Hotspot.objects.get(external_id="H-1")
    assert market.jurisdiction == world.west and market.geometry.contains(shapely_point(WEST))
    assert Hotspot.objects.get(external_id="H-2").jurisdiction == world.east
    again = bulk_import_hotspots(path=zipped_shapefile(hotspots_frame(), tmp_path), category="farmers_market")
    assert (again.created, again.updated) == (0, 2)


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


def shapely_point(point):
    from geo.validation import from_shapely

    return from_shapely(point)
