"""A layer's rows aggregated in the database: counts, weights and the layer's figures per hexagon or square
(``cell=hex|square``), per community or grid cell (``community|grid``, the choropleths), and the heatmap's bins
(``heat``), for a bbox and the layer's filters, scoped to the caller like the API.

Every cell kind is one ``GROUP BY`` over the caller's filtered rows: each row's cell id is arithmetic on its
coordinates in the local frame (``geo.layers.cells``), not a join of the rows with a grid of polygons, so the
database reads each row once and only the non-empty cells' polygons are ever built. The same SQL runs on PostGIS and
SpatiaLite (ST_X, ST_Y, FLOOR and arithmetic), so both give the same cells and counts. The choropleths group by the
rows' jurisdiction and add each jurisdiction's figures into the community or grid cell whose code prefixes its code
(official codes are hierarchical), with that jurisdiction's boundary as the geometry.

Every answer carries ``total``: the rows in the bbox after the filters (with a geometry), so the map can choose
between GeoJSON and tiles.
"""

import json
import math
from collections.abc import Mapping

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON, Centroid
from django.contrib.gis.geos import Polygon
from django.db import connections, transaction
from django.db.models import Case, F, FloatField, Func, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from geo.api.filters import parse_bbox
from geo.backends import features
from geo.layers import cells
from geo.layers.registry import Layer, LayerFilterError
from geo.models import COMMUNITY_LEVEL, Jurisdiction, JurisdictionKind
from geo.models.jurisdictions import LEVEL_OF_KIND

COMMUNITY = "community"
GRID = "grid"
CELL_KINDS = (cells.HEX, cells.SQUARE, COMMUNITY, GRID, cells.HEAT)
LEVELS = {COMMUNITY: COMMUNITY_LEVEL, GRID: LEVEL_OF_KIND[JurisdictionKind.GRID]}
RATE_DIGITS = 4
KEY_BASE = 2**24  # a hexagon key: column · KEY_BASE + row; rows of cells of MIN_SIZE stay within ±2¹⁷ on Earth


def aggregate(layer: Layer, user, params: Mapping) -> dict:
    """The aggregate answer for ``params`` (query parameters: ``cell``, ``size``, ``bbox`` and the layer's filters).
    Raises LayerFilterError naming each parameter it cannot take."""
    cell = params.get("cell") or cells.HEX
    if cell not in CELL_KINDS:
        raise LayerFilterError({"cell": [_("Choose a cell among %(kinds)s.") % {"kinds": ", ".join(CELL_KINDS)}]})
    size = _size(params.get("size"))
    bbox = _bbox(params.get("bbox"))
    rows = layer.queryset(user, params).filter(**{f"{layer.geometry}__isnull": False})
    if bbox is not None:
        rows = rows.filter(**{f"{layer.geometry}__intersects": bbox})
    figures = dict(layer.figures()) if layer.figures else {}
    if cell in LEVELS:
        return _choropleth(layer, rows, figures, LEVELS[cell]) if not rows.query.is_empty() else _empty(cell, None)
    extent = bbox.extent if bbox is not None else _territory(rows, layer)
    if extent is None:  # no jurisdiction and no row: nothing to bin
        return _empty(cell, size or cells.MIN_SIZE)
    frame = cells.frame_for(extent)
    size = _checked_size(cell, size, frame, extent)
    if rows.query.is_empty():
        return _empty(cell, size)
    if cell == cells.HEAT:
        return _heat(layer, rows, frame, size)
    return _binned(layer, rows, figures, cell, frame, size)


def _territory(rows: QuerySet, layer: Layer):
    """The extent a view without a bbox covers: the district's jurisdictions (one small query, where the rows'
    own extent would read every row once more); the rows' extent when no jurisdiction is described."""
    extent = Jurisdiction.objects.aggregate(extent=Extent("boundary"))["extent"]
    if extent is None and not rows.query.is_empty():
        extent = rows.aggregate(extent=Extent(layer.geometry))["extent"]
    return extent


def _size(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        size = float(value)
    except ValueError:
        size = math.nan
    if not cells.MIN_SIZE <= size <= cells.MAX_SIZE:  # NaN fails too
        raise LayerFilterError(
            {
                "size": [
                    _("Give the cell size in metres, from %(min)s to %(max)s (got “%(value)s”).")
                    % {"min": int(cells.MIN_SIZE), "max": int(cells.MAX_SIZE), "value": value}
                ]
            }
        )
    return size


def _bbox(value) -> Polygon | None:
    if not value:
        return None
    try:
        return parse_bbox(value)
    except ValidationError as error:
        messages = error.detail["bbox"]
        raise LayerFilterError(
            {"bbox": [str(m) for m in (messages if isinstance(messages, list) else [messages])]}
        ) from None


def _checked_size(cell: str, size: float | None, frame: cells.Frame, extent) -> float:
    """The size asked for, or the view's default; a size that would make too many cells of the view is refused."""
    width, height = frame.span(extent)
    limit = cells.MAX_HEAT_POINTS if cell == cells.HEAT else cells.MAX_CELLS
    kind = cells.HEX if cell == cells.HEX else cells.SQUARE
    if size is None:
        size = cells.default_size(cell, width, height)
    count = cells.cells_over(kind, size, width, height)
    if count <= limit:
        return size
    smallest = cells.smallest_size(kind, width, height, limit)
    if smallest > cells.MAX_SIZE:
        message = _("This view is too large to aggregate: even cells of %(max)s m would be more than %(limit)s.")
        raise LayerFilterError({"bbox": [message % {"max": int(cells.MAX_SIZE), "limit": limit}]})
    message = _(
        "Cells of %(size)s m would be about %(count)s in this view, more than %(limit)s: choose a size of at "
        "least %(smallest)s m, or a smaller box."
    )
    raise LayerFilterError(
        {"size": [message % {"size": _number(size), "count": count, "limit": limit, "smallest": _number(smallest)}]}
    )


def _number(value: float) -> str:
    return f"{value:g}"


def _empty(cell: str, size: float | None) -> dict:
    if cell == cells.HEAT:
        return {"total": 0, "size": size, "points": []}
    if cell in LEVELS:
        return {"type": "FeatureCollection", "cell": cell, "total": 0, "features": []}
    return {"type": "FeatureCollection", "cell": cell, "size": size, "total": 0, "features": []}


# ---------------------------------------------------------------- the SQL


def _field(model, path: str):
    """The model field at the end of ``path`` (``geometry``, or ``hotspot__geometry`` across a relation)."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def _inner(layer: Layer, rows: QuerySet, figures: Mapping, *, coordinates: bool = True, jurisdiction: str = ""):
    """The rows as the columns the aggregation reads, compiled: agg_x, agg_y (degrees), agg_w (weight), agg_f<i>
    (1 when the row meets figure i), agg_j (jurisdiction id)."""
    columns = {}
    if coordinates:
        field = _field(rows.model, layer.geometry)
        point = F(layer.geometry) if field.geom_type == "POINT" else Centroid(layer.geometry)
        columns["agg_x"] = Func(point, function="ST_X", output_field=FloatField())
        columns["agg_y"] = Func(point, function="ST_Y", output_field=FloatField())
    if jurisdiction:
        columns["agg_j"] = F(jurisdiction)
    columns["agg_w"] = layer.weight() if layer.weight else Value(1, output_field=IntegerField())
    for index, condition in enumerate(figures.values()):
        columns[f"agg_f{index}"] = Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
    query = rows.order_by().values(**columns)
    return query.query.get_compiler(using=query.db).as_sql()


def _sums(figures: Mapping) -> str:
    return ", ".join(["COUNT(*)", "SUM(agg_w)", *(f"SUM(agg_f{index})" for index in range(len(figures)))])


def _figures(names: list[str], sums) -> dict:
    return dict(zip(["count", "weight", *names], (int(value or 0) for value in sums), strict=True))


def _literal(value: float) -> str:
    """A float as an SQL literal both databases read back to the same double (repr round-trips)."""
    return repr(float(value))


def _run(rows: QuerySet, sql: str, params) -> list[tuple]:
    with transaction.atomic(using=rows.db), connections[rows.db].cursor() as cursor:
        backend = features(connections[rows.db])
        for setting in (*backend.no_jit, *backend.bulk_read):
            cursor.execute(setting)
        cursor.execute(sql, params)
        return cursor.fetchall()


def _cell_rows(layer, rows, figures, cell: str, frame: cells.Frame, size: float) -> list[tuple]:
    """(col, row, count, weight, figure sums…) of each non-empty cell."""
    inner, params = _inner(layer, rows, figures)
    kx, ky, columns = _literal(frame.kx), _literal(frame.ky), "".join(f", agg_f{i}" for i in range(len(figures)))
    # The coordinates once per row: the hexagon's arithmetic reads them a dozen times.
    fence = features(connections[rows.db]).subquery_fence
    if cell != cells.HEX:
        s = _literal(size)
        sql = (
            f"SELECT cell_c, cell_r, {_sums(figures)} FROM ("
            f"SELECT FLOOR(agg_x * {kx} / {s}) AS cell_c, FLOOR(agg_y * {ky} / {s}) AS cell_r, agg_w{columns} "
            f"FROM ({inner}) layer_rows) binned GROUP BY cell_c, cell_r"
        )
        return _run(rows, sql, params)
    # The nearest of the even columns' centres (3s·i, √3s·j) and the odd columns' (3s·i + 1.5s, √3s·j + √3s/2),
    # as one number (column · 2²⁴ + row) so that the comparison is made once per row, not once per grouped column.
    # Each level is fenced: flattened, every use of a column would compute its expression again.
    w, h = _literal(3 * size), _literal(cells.SQRT3 * size)
    hw, hh = _literal(1.5 * size), _literal(cells.SQRT3 * size / 2)
    da = f"(x - ia * {w}) * (x - ia * {w}) + (y - ja * {h}) * (y - ja * {h})"
    db = f"(x - ib * {w} - {hw}) * (x - ib * {w} - {hw}) + (y - jb * {h} - {hh}) * (y - jb * {h} - {hh})"
    sql = (
        f"SELECT cell_key, {_sums(figures)} FROM ("
        f"SELECT CASE WHEN {da} <= {db} THEN 2 * ia * {KEY_BASE} + ja ELSE (2 * ib + 1) * {KEY_BASE} + jb END "
        f"AS cell_key, agg_w{columns} FROM ("
        f"SELECT x, y, FLOOR(x / {w} + 0.5) AS ia, FLOOR(y / {h} + 0.5) AS ja, "
        f"FLOOR((x - {hw}) / {w} + 0.5) AS ib, FLOOR((y - {hh}) / {h} + 0.5) AS jb, agg_w{columns} FROM ("
        f"SELECT agg_x * {kx} AS x, agg_y * {ky} AS y, agg_w{columns} FROM ({inner}) layer_rows {fence}"
        f") projected {fence}) lattices) keyed GROUP BY cell_key"
    )
    return [(*_cell_of(key), *sums) for key, *sums in _run(rows, sql, params)]


def _cell_of(key: float) -> tuple[int, int]:
    """(column, row) of a hexagon's key (column · KEY_BASE + row, the row smaller than half KEY_BASE)."""
    key = int(key)
    column = (key + KEY_BASE // 2) // KEY_BASE
    return column, key - column * KEY_BASE


# ---------------------------------------------------------------- the answers


def _properties(layer: Layer, names: list[str], sums) -> dict:
    figures = _figures(names, sums)
    for name, numerator, denominator in layer.rates:
        bottom = figures[denominator]
        figures[name] = round(figures[numerator] / bottom, RATE_DIGITS) if bottom else None
    return figures


def _binned(layer, rows, figures, cell, frame, size) -> dict:
    names = list(figures)
    ring = cells.hexagon if cell == cells.HEX else cells.square
    features, total = [], 0
    for col, row, *sums in sorted(_cell_rows(layer, rows, figures, cell, frame, size)):
        col, row = int(col), int(row)
        properties = _properties(layer, names, sums)
        total += properties["count"]
        features.append(
            {
                "type": "Feature",
                "id": f"{col}:{row}",
                "geometry": {"type": "Polygon", "coordinates": [ring(frame, size, col, row)]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "cell": cell, "size": size, "total": total, "features": features}


def _heat(layer, rows, frame, size) -> dict:
    points, total = [], 0
    for col, row, count, weight in sorted(_cell_rows(layer, rows, {}, cells.SQUARE, frame, size)):
        total += count
        points.append([*cells.square_centre(frame, size, int(col), int(row)), int(weight or 0)])
    return {"total": total, "size": size, "points": points}


def _choropleth(layer, rows, figures, level: int) -> dict:
    names = list(figures)
    inner, params = _inner(layer, rows, figures, coordinates=False, jurisdiction=layer.filterset.jurisdiction_field)
    grouped = _run(rows, f"SELECT agg_j, {_sums(figures)} FROM ({inner}) layer_rows GROUP BY agg_j", params)
    total = sum(sums[0] for _j, *sums in grouped)
    present = [jurisdiction for jurisdiction, *_sums in grouped if jurisdiction is not None]
    codes = dict(Jurisdiction.objects.filter(pk__in=present).values_list("pk", "code"))
    targets = dict(Jurisdiction.objects.filter(level=level).values_list("code", "pk"))
    lengths = sorted({len(code) for code in targets})
    added: dict[int, list[int]] = {}
    for jurisdiction, *sums in grouped:
        code = codes.get(jurisdiction, "")
        target = next((targets[code[:n]] for n in lengths if code[:n] in targets), None)
        if target is not None:
            into = added.setdefault(target, [0] * len(sums))
            for index, value in enumerate(sums):
                into[index] += int(value or 0)
    boundaries = (
        Jurisdiction.objects.filter(pk__in=list(added))
        .annotate(outline=AsGeoJSON("boundary", precision=6))
        .only("pk", "code", "name", "name_en")
        .order_by("code")
    )
    features = [
        {
            "type": "Feature",
            "id": str(place.pk),
            "geometry": json.loads(place.outline),
            "properties": {
                "name": place.display_name,
                "code": place.code,
                **_properties(layer, names, added[place.pk]),
            },
        }
        for place in boundaries
    ]
    return {
        "type": "FeatureCollection",
        "cell": "community" if level == COMMUNITY_LEVEL else "grid",
        "total": total,
        "features": features,
    }
