import pytest
from django.db import connection

from geo.models import Jurisdiction
from geo.spatial_index import declared_indexes, missing_indexes, repair_spatial_indexes

pytestmark = pytest.mark.django_db


def check(table, column) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT CheckSpatialIndex(%s, %s)", [table, column])
        return cursor.fetchone()[0]


def test_every_declared_spatial_index_is_alive_after_the_migrations():
    if connection.vendor != "sqlite":
        assert repair_spatial_indexes() == []  # PostGIS keeps its GiST indexes through migrations
        return
    assert ("inspections_task", "location") in declared_indexes()
    assert missing_indexes() == []
    assert all(check(table, column) == 1 for table, column in declared_indexes())


def test_a_disabled_index_is_rebuilt_from_the_rows(world):
    if connection.vendor != "sqlite":
        pytest.skip("SpatiaLite's indexes only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT DisableSpatialIndex('geo_jurisdiction', 'boundary')")  # what a table rebuild leaves
    assert missing_indexes() == [("geo_jurisdiction", "boundary")]
    assert repair_spatial_indexes() == [("geo_jurisdiction", "boundary")]
    assert check("geo_jurisdiction", "boundary") == 1
    with connection.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "idx_geo_jurisdiction_boundary"')
        assert cursor.fetchone()[0] == Jurisdiction.objects.count()
