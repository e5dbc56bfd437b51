"""SpatiaLite's spatial indexes kept alive across migrations.

When a migration changes a table on SQLite, Django copies it into a new one; SpatiaLite then keeps the index's
tables but marks the index disabled, with no triggers, so it stays empty from then on (tasks, findings and units
lost theirs this way). After every ``migrate`` each geometry column declared with ``spatial_index=True`` whose index
is disabled or broken gets a new one, built from the rows. PostGIS keeps its GiST indexes through migrations.
"""

from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.db import connections

from geo.backends import features


def declared_indexes() -> list[tuple[str, str]]:
    """(table, column) of every geometry field that asks for a spatial index."""
    return [
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
        for field in model._meta.local_fields
        if isinstance(field, GeometryField) and field.spatial_index
    ]


def missing_indexes(using: str = "default") -> list[tuple[str, str]]:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lower(f_table_name), lower(f_geometry_column), spatial_index_enabled FROM geometry_columns"
        )
        enabled = {(table, column): flag for table, column, flag in cursor.fetchall()}
    return [
        (table, column)
        for table, column in declared_indexes()
        if (table.lower(), column.lower()) in enabled and enabled[(table.lower(), column.lower())] != 1
    ]


def repair_spatial_indexes(using: str = "default", **kwargs) -> list[tuple[str, str]]:
    """Rebuild the disabled spatial indexes (a ``post_migrate`` receiver); the (table, column) pairs rebuilt."""
    connection = connections[using]
    if features(connection).spatial_index_survives_rebuild:
        return []
    repaired = missing_indexes(using)
    with connection.cursor() as cursor:
        for table, column in repaired:
            cursor.execute(f'DROP TABLE IF EXISTS "idx_{table}_{column}"')
            cursor.execute("SELECT CreateSpatialIndex(%s, %s)", [table, column])
    return repaired
