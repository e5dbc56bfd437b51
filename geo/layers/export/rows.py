"""A layer's feature rows read in chunks from a server-side cursor, each chunk a GeoDataFrame of stable column
types, so a writer appends chunk after chunk and memory stays flat however many rows go out."""

from collections.abc import Iterator

import geopandas as gpd
import pandas as pd
import shapely
from django.db import models, transaction
from django.db.models import QuerySet

from geo.layers.registry import PROPERTY_PREFIX, Layer

CHUNK_ROWS = 5000
ID = "id"


def _kind(field: models.Field) -> str:
    while field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.FloatField | models.DecimalField):
        return "float"
    if isinstance(field, models.IntegerField | models.AutoField) and not isinstance(field, models.UUIDField):
        return "integer"
    return "text"


def column_kinds(layer: Layer, rows: QuerySet) -> dict[str, str]:
    """Each property's type, from the expression's output field: the same for every chunk."""
    annotations = layer.feature_rows(rows).query.annotations
    kinds = {}
    for name in layer.properties():
        expression = annotations.get(PROPERTY_PREFIX + name)
        kinds[name] = _kind(expression.output_field) if expression is not None else "text"
    return kinds


def _column(values: list, kind: str) -> pd.Series:
    if kind == "datetime":
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True).astype("datetime64[ms, UTC]")
    if kind == "integer":
        return pd.Series(values, dtype="Int64")
    if kind == "float":
        return pd.Series([None if v is None else float(v) for v in values], dtype="float64")
    if kind == "boolean":
        return pd.Series(values, dtype="boolean")
    return pd.Series([None if v is None else str(v) for v in values], dtype=object)


def frame(layer: Layer, batch: list[dict], kinds: dict[str, str]) -> gpd.GeoDataFrame:
    geometries = [None if row[layer.geometry] is None else bytes(row[layer.geometry].ewkb) for row in batch]
    data = {ID: pd.Series([str(row["pk"]) for row in batch])}
    for name, kind in kinds.items():
        data[name] = _column([row[PROPERTY_PREFIX + name] for row in batch], kind)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(shapely.from_wkb(geometries), crs=4326))


def chunks(layer: Layer, rows: QuerySet, chunk_size: int = CHUNK_ROWS) -> Iterator[list[dict]]:
    """The feature rows in primary key order, ``chunk_size`` at a time (inside a transaction: PostgreSQL's
    server-side cursor is then read as the rows go, not materialised whole)."""
    values = layer.feature_rows(rows).order_by("pk")
    with transaction.atomic(using=values.db):
        batch = []
        for row in values.iterator(chunk_size=chunk_size):
            batch.append(row)
            if len(batch) == chunk_size:
                yield batch
                batch = []
        if batch:
            yield batch


def frames(layer: Layer, rows: QuerySet, chunk_size: int = CHUNK_ROWS) -> Iterator[gpd.GeoDataFrame]:
    kinds = column_kinds(layer, rows)
    for batch in chunks(layer, rows, chunk_size):
        yield frame(layer, batch, kinds)
