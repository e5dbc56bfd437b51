"""The routing rules over an in-memory snapshot of hotspots and service areas: millions of points at once.

The answers are those of `route_point` (geo.routing.rules), point for point; only the way they are computed
differs (numpy over a snapshot instead of one indexed query per point).
"""

from dataclasses import dataclass

import numpy as np
import shapely

from geo.geodesy import area_m2, degrees_for_metres, local_frame, to_local_metres
from geo.routing.rules import RULE_CODES, RULES_BY_CODE, Rule, hotspot_radius_m, routable_hotspots, routable_units
from geo.validation import to_shapely


@dataclass(frozen=True)
class BulkRoutes:
    unit_ids: np.ndarray  # int64, -1 where unrouted
    rules: np.ndarray  # int8 codes, see RULE_CODES
    hotspot_ids: np.ndarray  # int64, -1 where not on a hotspot

    def rule_at(self, i: int) -> Rule:
        return RULES_BY_CODE[int(self.rules[i])]


class _BoxGrid:
    """(point, box) candidate pairs from a uniform grid over the boxes: pure numpy, no point geometries.

    Replaces an STRtree over point geometries: building a million shapely Points and querying them cost more
    than all the routing arithmetic together.
    """

    def __init__(self, boxes: np.ndarray, cells: int = 256):
        self.boxes = boxes  # (m, 4): minx, miny, maxx, maxy
        self.minx, self.miny = boxes[:, 0].min(), boxes[:, 1].min()
        self.maxx, self.maxy = boxes[:, 2].max(), boxes[:, 3].max()
        self.cells = cells
        self.dx = max((self.maxx - self.minx) / cells, 1e-12)
        self.dy = max((self.maxy - self.miny) / cells, 1e-12)
        ix0, iy0 = self._cell_xy(boxes[:, 0], boxes[:, 1])
        ix1, iy1 = self._cell_xy(boxes[:, 2], boxes[:, 3])
        width, counts = ix1 - ix0 + 1, (ix1 - ix0 + 1) * (iy1 - iy0 + 1)
        box = np.repeat(np.arange(len(boxes)), counts)
        local = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        cell = (iy0[box] + local // width[box]) * cells + ix0[box] + local % width[box]
        order = np.argsort(cell, kind="stable")
        self.cell_boxes = box[order]
        self.cell_start = np.searchsorted(cell[order], np.arange(cells * cells + 1))

    def _cell_xy(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ix = np.clip(((x - self.minx) / self.dx).astype(np.int64), 0, self.cells - 1)
        iy = np.clip(((y - self.miny) / self.dy).astype(np.int64), 0, self.cells - 1)
        return ix, iy

    def pairs(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Indices (into x/y, into boxes) of every point lying in a box, boundary included."""
        idx = np.flatnonzero((x >= self.minx) & (x <= self.maxx) & (y >= self.miny) & (y <= self.maxy))
        ix, iy = self._cell_xy(x[idx], y[idx])
        start = self.cell_start[iy * self.cells + ix]
        counts = self.cell_start[iy * self.cells + ix + 1] - start
        point_idx = np.repeat(idx, counts)
        first = np.cumsum(counts) - counts
        box_idx = self.cell_boxes[np.repeat(start - first, counts) + np.arange(len(point_idx))]
        px, py, b = x[point_idx], y[point_idx], self.boxes[box_idx]
        keep = (px >= b[:, 0]) & (px <= b[:, 2]) & (py >= b[:, 1]) & (py <= b[:, 3])
        return point_idx[keep], box_idx[keep]


def _ring_segments(shape: shapely.Geometry) -> np.ndarray:
    """Every ring segment of a (multi)polygon as rows (ax, ay, bx, by)."""
    rows = []
    for polygon in shapely.get_parts(shape):
        for ring in shapely.get_rings(polygon):
            xy = shapely.get_coordinates(ring)
            rows.append(np.column_stack([xy[:-1], xy[1:]]))
    return np.vstack(rows)


def _point_segment_distance(px, py, ax, ay, bx, by) -> np.ndarray:
    """GEOS's Distance::pointToSegment, operation for operation, so results equal shapely.distance bit for bit."""
    ex, ey = bx - ax, by - ay
    len2 = ex * ex + ey * ey
    with np.errstate(divide="ignore", invalid="ignore"):
        r = ((px - ax) * ex + (py - ay) * ey) / len2
        s = ((ay - py) * ex - (ax - px) * ey) / len2
    to_a = np.sqrt((px - ax) ** 2 + (py - ay) ** 2)
    to_b = np.sqrt((px - bx) ** 2 + (py - by) ** 2)
    return np.where((len2 == 0) | (r <= 0.0), to_a, np.where(r >= 1.0, to_b, np.abs(s) * np.sqrt(len2)))


_NONE = np.iinfo(np.int64).max


class RoutingIndex:
    """The routing rules over an in-memory snapshot of hotspots and service areas, vectorised with numpy.

    Build it once per batch (one query each for hotspots and units), then route any number of points. No shapely
    geometry is created per point: candidates come from a grid over the shapes' boxes, containment from prepared
    shapes (intersects_xy), distances from the coordinates. Hotspots and units are kept in their tie-break order, so
    "nearest, then smaller, then older" and "priority, then smaller, then older" reduce to the lowest index.
    """

    def __init__(self, *, hotspots, units, radius_m: float):
        self.radius_m = radius_m
        sizes = [area_m2(h.geometry) if h.geometry.geom_type != "Point" else 0.0 for h in hotspots]
        order = sorted(range(len(hotspots)), key=lambda i: (sizes[i], hotspots[i].pk))
        hotspots = [hotspots[i] for i in order]
        self._hotspot_ids = np.array([h.pk for h in hotspots], dtype=np.int64)
        self._hotspot_units = np.array([h.sponsoring_unit_id for h in hotspots], dtype=np.int64)
        shapes = [to_shapely(h.geometry) for h in hotspots]
        self._hotspot_frames = np.array([local_frame(s) for s in shapes]).reshape(-1, 2)
        metric = [to_local_metres(s, tuple(f)) for s, f in zip(shapes, self._hotspot_frames, strict=True)]
        self._hotspot_is_point = np.array([s.geom_type == "Point" for s in shapes], dtype=bool)
        self._hotspot_xy = np.array(
            [shapely.get_coordinates(m)[0] if m.geom_type == "Point" else (np.nan, np.nan) for m in metric]
        ).reshape(-1, 2)
        self._hotspot_metric_shapes = np.array(metric, dtype=object)
        shapely.prepare(self._hotspot_metric_shapes)
        segments = [_ring_segments(m) if m.geom_type != "Point" else np.empty((0, 4)) for m in metric]
        self._segment_count = np.array([len(s) for s in segments], dtype=np.int64)
        self._segment_start = np.cumsum(self._segment_count) - self._segment_count
        self._segments = np.vstack(segments) if segments else np.empty((0, 4))
        if shapes:
            pads = np.array([degrees_for_metres(radius_m, shapely.get_coordinates(s)[:, 1].max()) for s in shapes])
            reach = shapely.bounds(np.array(shapes, dtype=object)) + np.column_stack([-pads, -pads, pads, pads])
            self._hotspot_grid = _BoxGrid(reach)

        order = sorted(
            range(len(units)), key=lambda i: (-units[i].routing_priority, units[i].service_area_m2, units[i].pk)
        )
        units = [units[i] for i in order]
        self._unit_ids = np.array([u.pk for u in units], dtype=np.int64)
        by_size = sorted(range(len(units)), key=lambda i: (units[i].service_area_m2, units[i].pk))
        self._unit_size_rank = np.empty(len(units), dtype=np.int64)
        self._unit_size_rank[by_size] = np.arange(len(units))
        self._unit_shapes = np.array([to_shapely(u.service_area) for u in units], dtype=object)
        shapely.prepare(self._unit_shapes)  # intersects_xy uses the prepared shapes
        if units:
            self._unit_grid = _BoxGrid(shapely.bounds(self._unit_shapes))

    @classmethod
    def from_database(cls) -> "RoutingIndex":
        hotspots = list(routable_hotspots().only("id", "geometry", "sponsoring_unit_id"))
        units = list(routable_units().only("id", "service_area", "service_area_m2", "routing_priority"))
        return cls(hotspots=hotspots, units=units, radius_m=hotspot_radius_m())

    def route(self, lons: np.ndarray, lats: np.ndarray) -> BulkRoutes:
        lons = np.asarray(lons, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        n = len(lons)
        unit_ids = np.full(n, -1, dtype=np.int64)
        rules = np.full(n, RULE_CODES[Rule.UNROUTED], dtype=np.int8)
        hotspot_ids = np.full(n, -1, dtype=np.int64)

        rest = np.arange(n)
        if len(self._hotspot_ids) and n:
            on_hotspot = self._route_hotspots(lons, lats)
            hit = on_hotspot >= 0
            hotspot_ids[hit] = self._hotspot_ids[on_hotspot[hit]]
            unit_ids[hit] = self._hotspot_units[on_hotspot[hit]]
            rules[hit] = RULE_CODES[Rule.HOTSPOT]
            rest = np.flatnonzero(~hit)

        if len(self._unit_ids) and len(rest):
            x, y = lons[rest], lats[rest]
            point_idx, unit_idx = self._unit_grid.pairs(x, y)
            inside = shapely.intersects_xy(self._unit_shapes[unit_idx], x[point_idx], y[point_idx])
            point_idx, unit_idx = point_idx[inside], unit_idx[inside]
            winner = np.full(len(rest), _NONE, dtype=np.int64)
            np.minimum.at(winner, point_idx, unit_idx)  # units are in routing order
            smallest = np.full(len(rest), _NONE, dtype=np.int64)
            np.minimum.at(smallest, point_idx, self._unit_size_rank[unit_idx])
            routed = winner != _NONE
            winners = winner[routed]
            unit_ids[rest[routed]] = self._unit_ids[winners]
            rules[rest[routed]] = np.where(
                self._unit_size_rank[winners] == smallest[routed],
                RULE_CODES[Rule.SERVICE_AREA],
                RULE_CODES[Rule.PRIORITY],
            )
        return BulkRoutes(unit_ids=unit_ids, rules=rules, hotspot_ids=hotspot_ids)

    def _route_hotspots(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Index into the hotspot arrays of each point's hotspot, or -1."""
        point_idx, hotspot_idx = self._hotspot_grid.pairs(lons, lats)
        # Measured in each hotspot's own metric frame, exactly as route_point measures it.
        px = lons[point_idx] * self._hotspot_frames[hotspot_idx, 0]
        py = lats[point_idx] * self._hotspot_frames[hotspot_idx, 1]
        distances = np.empty(len(point_idx))
        on_point = self._hotspot_is_point[hotspot_idx]
        dx = px[on_point] - self._hotspot_xy[hotspot_idx[on_point], 0]
        dy = py[on_point] - self._hotspot_xy[hotspot_idx[on_point], 1]
        distances[on_point] = np.sqrt(dx * dx + dy * dy)
        outline = np.flatnonzero(~on_point)
        inside = shapely.intersects_xy(self._hotspot_metric_shapes[hotspot_idx[outline]], px[outline], py[outline])
        distances[outline[inside]] = 0.0
        outside = outline[~inside]
        distances[outside] = self._outline_distances(px[outside], py[outside], hotspot_idx[outside])

        near = distances <= self.radius_m
        point_idx, hotspot_idx, distances = point_idx[near], hotspot_idx[near], distances[near]
        nearest = np.full(len(lons), np.inf)
        np.minimum.at(nearest, point_idx, distances)
        tied = distances == nearest[point_idx]
        chosen = np.full(len(lons), _NONE, dtype=np.int64)
        np.minimum.at(chosen, point_idx[tied], hotspot_idx[tied])  # hotspots are in tie-break order
        chosen[chosen == _NONE] = -1
        return chosen

    def _outline_distances(self, px, py, hotspot_idx, chunk: int = 250_000) -> np.ndarray:
        """Distance from each point to its outline's nearest ring segment (the point is outside the outline)."""
        out = np.empty(len(px))
        for s in range(0, len(px), chunk):
            x, y, h = px[s : s + chunk], py[s : s + chunk], hotspot_idx[s : s + chunk]
            counts = self._segment_count[h]
            first = np.cumsum(counts) - counts
            owner = np.repeat(np.arange(len(x)), counts)
            seg = self._segments[np.repeat(self._segment_start[h] - first, counts) + np.arange(counts.sum())]
            d = _point_segment_distance(x[owner], y[owner], seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3])
            out[s : s + chunk] = np.minimum.reduceat(d, first)
        return out
