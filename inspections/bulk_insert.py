"""Inserting many new rows at once: `bulk_create`, with a faster statement where the backend has one.

Declared per backend (`geo.backends.features`):

- where the database has `unnest_insert` (PostgreSQL/PostGIS with psycopg 3): one
  ``INSERT … SELECT * FROM unnest(%b::type[], …)`` per model, one array parameter per column. The values are those
  `bulk_create` would send (each field's `pre_save` and `get_db_prep_save`), so the rows are the same; only the
  statement differs (no 500-row VALUES list to compile, adapt and parse). The arrays travel apart from the
  statement, in binary (`server_side_binding`, for this statement only: Django's connections bind on the client,
  which would quote every value into the SQL text, an eighth of a sync batch's time). Rows of a model with an
  automatic primary key take their ids from its sequence first (one ``nextval`` query), as the database would
  give them.
- elsewhere (SpatiaLite): `bulk_create` itself.

Either way a row whose primary key is taken raises IntegrityError (nothing is skipped silently), no signals are
sent, and the instances are marked as saved, as `bulk_create` does. Since no signal tells the map, the model's
cached layer tiles are invalidated here (`geo.layers.sources_changed`).
"""

import uuid
from collections.abc import Callable, Sequence

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.db import connections, router
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin, Field

from geo.backends import features
from geo.layers import sources_changed


def insert_new(
    model: type[Model], objs: Sequence[Model], *, known_ewkb: Callable[[GEOSGeometry], bytes | None] | None = None
) -> None:
    """Insert `objs` (new instances of `model`, primary keys set) as `model.objects.bulk_create(objs)` would.

    `known_ewkb`, optional: a geometry's EWKB when the caller already has it (exactly the bytes GEOS writes for
    it), else None; it spares writing it again for the PostgreSQL statement."""
    objs = list(objs)
    if not objs:
        return
    alias = router.db_for_write(model)
    _insert(model, objs, alias, known_ewkb)
    sources_changed(model, using=alias)


def _insert(model: type[Model], objs: list[Model], alias: str, known_ewkb) -> None:
    connection = connections[alias]
    fields = list(model._meta.concrete_fields)
    unnest = features(connection).unnest_insert
    if unnest and all(obj.pk is None for obj in objs):
        _take_ids(model, objs, connection)
    if (
        not unnest
        or any((f.db_returning and not f.primary_key) or f.generated for f in fields)
        or any(obj.pk is None for obj in objs)
    ):
        model.objects.using(alias).bulk_create(objs)
        return
    try:
        columns, arrays, selected = _columns(fields, objs, connection, known_ewkb)
    except _Unsupported:
        model.objects.using(alias).bulk_create(objs)
        return
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"SELECT {', '.join(selected)} FROM unnest({', '.join(arrays)}) "
        f"AS rows({', '.join(f'c{i}' for i in range(len(fields)))})"
    )
    with _binding_cursor(connection) as cursor:
        cursor.execute(sql, columns)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def _binding_cursor(connection):
    """A cursor of this connection that sends parameters apart from the statement (psycopg's own `Cursor`), wrapped
    as Django wraps its cursors: database errors become Django's, and queries are logged when Django logs them."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    cursor = ServerBindingCursor(connection.connection)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)


def _take_ids(model: type[Model], objs: Sequence[Model], connection) -> None:
    """Ids from the automatic primary key's sequence, for rows that have none (else they stay without)."""
    pk = model._meta.pk
    if not isinstance(pk, AutoFieldMixin):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objs)],
        )
        for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = value


def _columns(fields, objs, connection, known_ewkb) -> tuple[list[list], list[str], list[str]]:
    """Per field: its values in row order (what bulk_create would send), the array parameter, the selected
    expression."""
    columns, arrays, selected = [], [], []
    for i, field in enumerate(fields):
        db_type = field.db_type(connection)
        if isinstance(field, GeometryField):
            if field.geography:
                raise _Unsupported
            # As EWKB bytes: the bytes PostGISAdapter sends, read by PostGIS as bulk_create's are.
            values = [_geometry_ewkb(field, obj, connection, known_ewkb) for obj in objs]
            arrays.append("%b::bytea[]")
            selected.append(f"ST_GeomFromEWKB(c{i})::{db_type}")
        else:
            values = _prepared(field, objs, connection)
            if any(hasattr(value, "resolve_expression") for value in values):
                raise _Unsupported
            arrays.append(f"%b::{db_type}[]")
            selected.append(f"c{i}")
        columns.append(values)
    return columns, arrays, selected


def _prepared(field, objs, connection) -> list:
    """Each object's value as bulk_create sends it: ``field.get_db_prep_save(field.pre_save(obj, True))``.

    Preparing is most of the statement's Python time, and for the values rows are mostly made of it is the
    identity: a field that returns a str, int, float, bool, UUID or None unchanged returns every value of that
    type unchanged (these fields' preparations depend on the value's type alone), so such values are prepared once
    per type. A field with its own pre_save (auto_now, …) is prepared object by object."""
    if type(field).pre_save is not Field.pre_save:
        return [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objs]
    attname = field.attname
    unchanged: set[type] = set()
    values = []
    for obj in objs:
        value = getattr(obj, attname)
        kind = type(value)
        if kind not in unchanged:
            prepared = field.get_db_prep_save(value, connection)
            if prepared is value and kind in _TYPED_BY_KIND:
                unchanged.add(kind)
            value = prepared
        values.append(value)
    return values


_TYPED_BY_KIND = frozenset({str, int, float, bool, uuid.UUID, type(None)})


def _geometry_ewkb(field, obj, connection, known_ewkb) -> bytes | None:
    value = field.pre_save(obj, True)
    if known_ewkb is not None and isinstance(value, GEOSGeometry):
        known = known_ewkb(value)
        if known is not None:
            return known
    adapted = field.get_db_prep_save(value, connection)
    if adapted is None:
        return None
    if hasattr(adapted, "resolve_expression") or not hasattr(adapted, "ewkb"):
        raise _Unsupported
    return adapted.ewkb


class _Unsupported(Exception):
    """A value the unnest statement does not take as it is: bulk_create takes the whole batch."""


__all__ = ["insert_new"]
