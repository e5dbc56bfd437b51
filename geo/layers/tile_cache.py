"""The server's cache of vector tiles (the Django cache: Redis in production, shared by every process).

A tile is cached under a key made of everything that decides its bytes:

- the layer and its data version (``geo.layers.versions``: any write to one of its sources changes it);
- the caller's scope, as the SQL (with its parameters) of ``layer.rows(user)``: two people whose scoped rows are
  the same statement share their tiles (two members of one unit, the administrators), and people whose scopes
  differ in any way never do, so no row crosses scopes. A parameter the key cannot write down exactly means no cache;
- the filters, as the filter form's cleaned values (``status=overdue&status=rejected`` and its reordering are one);
- z/x/y, and the period of ``LAYER_TILES_MAX_AGE`` seconds we are in: a task becomes overdue with no write at all, so
  no tile is older than that.

The ETag is a digest of the tile's bytes: the same tile after an unrelated write still answers 304.
"""

import datetime as dt
import decimal
import hashlib
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from geo.layers.registry import Layer
from geo.layers.tiles import Tile, render_tile
from geo.layers.versions import data_version

KEY_PREFIX = "layers:tile:"


@dataclass(frozen=True)
class CachedTile:
    etag: str  # quoted, as the header carries it
    body: bytes


def max_age() -> int:
    return settings.LAYER_TILES_MAX_AGE


class _Unkeyable(Exception):
    pass


def _canonical(value):
    """A query parameter as a JSON value that names it exactly (never an object's repr with its address)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal | uuid.UUID | dt.date | dt.datetime | dt.time | dt.timedelta):
        return f"{type(value).__name__}:{value}"
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    ewkb = getattr(value, "ewkb", None)  # a geometry, or PostGIS's adapter of one
    if ewkb is not None:
        return "ewkb:" + bytes(ewkb).hex()
    wkt, srid = getattr(value, "wkt", None), getattr(value, "srid", None)  # SpatiaLite's adapter
    if isinstance(wkt, str):
        return f"wkt:{srid}:{wkt}"
    raise _Unkeyable(type(value).__name__)


def scope_digest(layer: Layer, user) -> str | None:
    """The caller's scope on this layer as a digest of its statement; None when it cannot be written down."""
    rows = layer.rows(user)
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return "none"
    try:
        text = json.dumps([rows.db, sql, _canonical(list(params))])
    except _Unkeyable:
        return None
    return hashlib.sha256(text.encode()).hexdigest()


def filter_values(layer: Layer, params: Mapping) -> dict:
    """The layer's filters as its form cleans them (already validated by the caller)."""
    filterset = layer.filterset(data=params, queryset=None)
    form = filterset.form
    form.is_valid()
    return {
        name: sorted(value) if isinstance(value, list) else value
        for name, value in sorted(form.cleaned_data.items())
        if value not in (None, "", [])
    }


def tile_key(layer: Layer, user, params: Mapping, tile: Tile) -> str | None:
    scope = scope_digest(layer, user)
    if scope is None:
        return None
    try:
        filters = _canonical(sorted([name, _canonical(value)] for name, value in filter_values(layer, params).items()))
    except _Unkeyable:
        return None
    period = int(time.time() // max(max_age(), 1))
    text = json.dumps([layer.name, data_version(layer.sources), scope, filters, tile.z, tile.x, tile.y, period])
    return KEY_PREFIX + hashlib.sha256(text.encode()).hexdigest()


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def cached_tile(layer: Layer, user, params: Mapping, rows: QuerySet, tile: Tile) -> CachedTile:
    """The tile from the cache, or made from ``rows`` (the caller's filtered rows) and cached."""
    key = tile_key(layer, user, params, tile)
    if key is not None:
        found = cache.get(key)
        if found is not None:
            etag, body = found
            return CachedTile(etag, body)
    body = render_tile(layer, rows, tile)
    entry = CachedTile(etag_of(body), body)
    if key is not None:
        cache.set(key, (entry.etag, entry.body), max(max_age(), 1))
    return entry
