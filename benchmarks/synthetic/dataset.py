"""The synthetic district as plain shapes in a local metric frame: its parameters, its shapes and ``generate()``."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import shapely

from geo.geodesy import METRES_PER_DEGREE_LAT

GENERATOR_VERSION = 1
CODE_PREFIX = "110199"
UNIT_PREFIX = "BENCH "
HOTSPOT_PREFIX = "BENCH "
CENTER = (116.40, 39.72)  # lon, lat of the area's centre; Wanping is around (116.22, 39.85)
POINT_CHUNK = 65_536
POINTS_TABLE = "bench_points"

POINT_CATEGORIES = ["street_stall", "bus_stop", "internet_cafe", "school_surroundings", "back_street"]
POLYGON_CATEGORIES = [
    "construction_site",
    "vacant_plot",
    "old_compound",
    "farmers_market",
    "green_space",
    "urban_village",
]


@dataclass(frozen=True)
class Params:
    seed: int = 20_250_611
    communities: int = 10
    grid_m: float = 400.0
    compounds: int = 60
    enterprises: int = 8
    inactive_units: int = 3
    hotspots: int = 400
    point_share: float = 0.6  # of hotspots that are points (the rest are outlines)

    def key(self) -> dict:
        return {"version": GENERATOR_VERSION, **asdict(self)}


@dataclass
class JurisdictionSpec:
    code: str
    name: str
    name_en: str
    kind: str
    parent_code: str | None
    shape: shapely.Geometry  # degrees


@dataclass
class UnitSpec:
    name: str
    name_en: str
    kind: str
    jurisdiction_code: str
    shape: shapely.Geometry  # degrees
    routing_priority: int = 0
    active: bool = True


@dataclass
class HotspotSpec:
    name: str
    category: str
    shape: shapely.Geometry  # degrees; Point or Polygon
    sponsor: str | None  # a UnitSpec name
    active: bool = True
    risk_level: str = "medium"


@dataclass
class Dataset:
    params: Params
    district: shapely.Geometry
    area: shapely.Geometry
    jurisdictions: list[JurisdictionSpec] = field(default_factory=list)
    units: list[UnitSpec] = field(default_factory=list)
    hotspots: list[HotspotSpec] = field(default_factory=list)

    def summary(self) -> dict:
        kinds: dict[str, int] = {}
        for j in self.jurisdictions:
            kinds[j.kind] = kinds.get(j.kind, 0) + 1
        return {
            "jurisdictions": kinds,
            "units": len(self.units),
            "hotspots": len(self.hotspots),
            "hotspot_points": sum(h.shape.geom_type == "Point" for h in self.hotspots),
        }


# ---------------------------------------------------------------- a local metric frame around CENTER

_X_SCALE = METRES_PER_DEGREE_LAT * math.cos(math.radians(CENTER[1]))


def to_degrees(shape: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(shape, lambda xy: xy / (_X_SCALE, METRES_PER_DEGREE_LAT) + CENTER)


def to_metres(shape: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(shape, lambda xy: (xy - CENTER) * (_X_SCALE, METRES_PER_DEGREE_LAT))


def metres_to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x / _X_SCALE + CENTER[0], y / METRES_PER_DEGREE_LAT + CENTER[1]


# ---------------------------------------------------------------- shapes (all in metres)


def _noisy_outline(rng: np.random.Generator, rx: float, ry: float, vertices: int, wobble: float) -> shapely.Polygon:
    """A star-shaped (hence valid) outline: an ellipse with low-frequency bulges and a little fine noise."""
    theta = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    r = np.ones(vertices)
    for k in range(2, 7):
        r += rng.uniform(0, wobble) / (k / 2) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    r += rng.normal(0, wobble / 10, vertices)
    r = np.clip(r, 0.6, None)
    return shapely.Polygon(np.column_stack([rx * r * np.cos(theta), ry * r * np.sin(theta)]))


def _polygons_of(shape: shapely.Geometry) -> list[shapely.Polygon]:
    return [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon" and p.area > 0]


def _multi(shape: shapely.Geometry) -> shapely.MultiPolygon:
    return shapely.MultiPolygon(_polygons_of(shape))


def _uniform_in(rng: np.random.Generator, shape: shapely.Geometry, count: int) -> np.ndarray:
    minx, miny, maxx, maxy = shape.bounds
    shapely.prepare(shape)
    out = np.empty((0, 2))
    while len(out) < count:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(max(count * 2, 16), 2))
        out = np.vstack([out, xy[shapely.contains_xy(shape, xy[:, 0], xy[:, 1])]])
    return out[:count]


def _rotated_rect(cx: float, cy: float, w: float, h: float, angle: float) -> shapely.Polygon:
    c, s = math.cos(angle), math.sin(angle)
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return shapely.Polygon([(cx + x * c - y * s, cy + x * s + y * c) for x, y in corners])


def _blob(rng: np.random.Generator, cx: float, cy: float, radius: float) -> shapely.Polygon:
    """An irregular convex outline: the hull of scattered points."""
    pts = rng.normal(0, radius / 2, size=(12, 2)) * (1.0, rng.uniform(0.5, 1.5)) + (cx, cy)
    return shapely.convex_hull(shapely.MultiPoint(pts))


def _centre(shape: shapely.Geometry) -> tuple[float, float]:
    """The centroid, or a point on the surface when the centroid falls outside."""
    c = shape.centroid
    p = c if shape.contains(c) else shapely.point_on_surface(shape)
    return p.x, p.y


def _voronoi_tiles(rng: np.random.Generator, area: shapely.Polygon, count: int) -> list[shapely.Geometry]:
    seeds = _uniform_in(rng, area, count)
    envelope = shapely.box(*area.buffer(2000).bounds)
    for _ in range(4):  # Lloyd relaxation: communities of comparable size
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=envelope))
        tiles = [shapely.intersection(c, area) for c in cells]
        seeds = np.array([_centre(t) for t in tiles])
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=envelope))
    tiles = [_multi(shapely.intersection(c, area)) for c in cells]
    # Deterministic order: west to east, then south to north, by representative point.
    tiles.sort(key=lambda t: (round(t.centroid.x, -2), t.centroid.y))
    return tiles


# ---------------------------------------------------------------- the dataset


def generate(params: Params | None = None) -> Dataset:
    params = params or Params()
    rng = np.random.default_rng(params.seed)

    area = _noisy_outline(rng, 2600, 2000, 240, 0.06)
    district = _noisy_outline(rng, 7000, 5500, 360, 0.04)
    district = shapely.transform(district, lambda xy: xy + (-900, 400))
    district = shapely.union(district, area.buffer(300))  # the area is always well inside its district
    district = _polygons_of(district)[0] if len(_polygons_of(district)) == 1 else district

    ds = Dataset(params=params, district=to_degrees(district), area=to_degrees(area))
    district_code, area_code = CODE_PREFIX, f"{CODE_PREFIX}001"
    ds.jurisdictions.append(
        JurisdictionSpec(
            district_code,
            "基准区（合成数据）",
            "Bench district (synthetic)",
            "district",
            None,
            to_degrees(_multi(district)),
        )
    )
    ds.jurisdictions.append(
        JurisdictionSpec(
            area_code, "基准地区（合成数据）", "Bench area (synthetic)", "area", district_code, to_degrees(_multi(area))
        )
    )

    communities = _voronoi_tiles(rng, area, params.communities)
    community_codes = []
    minx, miny, maxx, maxy = area.bounds
    g = params.grid_m
    grid = [
        shapely.box(x, y, x + g, y + g)
        for x in np.arange(math.floor(minx / g) * g, maxx, g)
        for y in np.arange(math.floor(miny / g) * g, maxy, g)
    ]
    for i, tile in enumerate(communities, start=1):
        code = f"{area_code}{i:03d}"
        community_codes.append(code)
        ds.jurisdictions.append(
            JurisdictionSpec(code, f"基准{i}社区", f"Bench community {i}", "community", area_code, to_degrees(tile))
        )
        shapely.prepare(tile)
        cells = [_multi(shapely.intersection(tile, box)) for box in grid if tile.intersects(box)]
        cells = [c for c in cells if c.area >= 0.05 * g * g]  # slivers stay with the community
        for j, cell in enumerate(cells, start=1):
            ds.jurisdictions.append(
                JurisdictionSpec(
                    f"{code}{j:03d}",
                    f"基准{i}社区第{j}网格",
                    f"Bench community {i} grid {j}",
                    "grid",
                    code,
                    to_degrees(cell),
                )
            )

    def community_of(x: float, y: float) -> str:
        p = shapely.Point(x, y)
        for code, tile in zip(community_codes, communities, strict=True):
            if tile.covers(p):
                return code
        return area_code

    # Units: committees, compounds, enterprises nested in compounds, corridors.
    metric_units: list[shapely.Geometry] = []
    for i, (code, tile) in enumerate(zip(community_codes, communities, strict=True), start=1):
        ds.units.append(
            UnitSpec(
                f"{UNIT_PREFIX}基准{i}社区居委会",
                f"Bench community {i} committee",
                "community_committee",
                code,
                to_degrees(tile),
            )
        )
        metric_units.append(tile)
    compound_shapes = []
    for i, (cx, cy) in enumerate(_uniform_in(rng, area, params.compounds), start=1):
        if rng.random() < 0.6:
            shape = _rotated_rect(cx, cy, rng.uniform(120, 450), rng.uniform(100, 350), rng.uniform(0, np.pi))
        else:
            shape = _blob(rng, cx, cy, rng.uniform(100, 260))
        shape = _multi(shapely.intersection(shape, district))
        compound_shapes.append(shape)
        active = i <= params.compounds - params.inactive_units
        ds.units.append(
            UnitSpec(
                f"{UNIT_PREFIX}基准物业{i:02d}",
                f"Bench property manager {i}",
                "property_manager",
                community_of(cx, cy),
                to_degrees(shape),
                active=active,
            )
        )
        metric_units.append(shape)
    for i in range(1, params.enterprises + 1):
        host = compound_shapes[int(rng.integers(len(compound_shapes)))]
        cx, cy = _uniform_in(rng, host, 1)[0]
        shape = _multi(_rotated_rect(cx, cy, rng.uniform(50, 120), rng.uniform(40, 100), rng.uniform(0, np.pi)))
        ds.units.append(
            UnitSpec(
                f"{UNIT_PREFIX}基准驻区单位{i:02d}",
                f"Bench resident enterprise {i}",
                "resident_enterprise",
                community_of(cx, cy),
                to_degrees(shape),
            )
        )
        metric_units.append(shape)
    corridors = []
    for i, (priority, width) in enumerate([(10, 40.0), (5, 30.0)], start=1):
        angle = rng.uniform(0, np.pi)
        d = np.array([math.cos(angle), math.sin(angle)])
        normal = np.array([-d[1], d[0]])
        t = np.linspace(-4000, 4000, 5)
        offsets = rng.normal(0, 150, 5)
        line = shapely.LineString(np.outer(t, d) + np.outer(offsets, normal))
        corridors.append(line)
        shape = _multi(shapely.intersection(line.buffer(width / 2, cap_style="flat"), area))
        ds.units.append(
            UnitSpec(
                f"{UNIT_PREFIX}基准执法走廊{i}",
                f"Bench enforcement corridor {i}",
                "enforcement_squad",
                area_code,
                to_degrees(shape),
                routing_priority=priority,
            )
        )
        metric_units.append(shape)

    # Hotspots, placed where they really cluster: in compounds, along corridors, next to each other.
    unit_areas = np.array([s.area for s in metric_units])
    for s in metric_units:
        shapely.prepare(s)
    centres: list[tuple[float, float]] = []
    for i in range(1, params.hotspots + 1):
        where = rng.random()
        if where < 0.4 or not centres:
            cx, cy = _uniform_in(rng, area, 1)[0]
        elif where < 0.7:
            cx, cy = _uniform_in(rng, compound_shapes[int(rng.integers(len(compound_shapes)))], 1)[0]
        elif where < 0.9:
            line = corridors[int(rng.integers(len(corridors)))]
            p = line.interpolate(rng.uniform(0.25, 0.75), normalized=True)
            cx, cy = p.x + rng.normal(0, 25), p.y + rng.normal(0, 25)
        else:  # a neighbour of an earlier hotspot: competing for the same findings
            bx, by = centres[int(rng.integers(len(centres)))]
            r, a = rng.uniform(15, 90), rng.uniform(0, 2 * np.pi)
            cx, cy = bx + r * math.cos(a), by + r * math.sin(a)
        if not area.contains(shapely.Point(cx, cy)):
            cx, cy = _uniform_in(rng, area, 1)[0]
        centres.append((cx, cy))
        if rng.random() < params.point_share:
            category = POINT_CATEGORIES[int(rng.integers(len(POINT_CATEGORIES)))]
            shape = shapely.Point(cx, cy)
        else:
            category = POLYGON_CATEGORIES[int(rng.integers(len(POLYGON_CATEGORIES)))]
            size = rng.uniform(25, 150)
            if rng.random() < 0.5:
                shape = _rotated_rect(cx, cy, 2 * size, rng.uniform(0.6, 2) * size, rng.uniform(0, np.pi))
            else:
                shape = _blob(rng, cx, cy, size)
        anchor = shape if shape.geom_type == "Point" else shapely.point_on_surface(shape)
        hits = [k for k, s in enumerate(metric_units) if s.contains(anchor)]
        sponsor = ds.units[min(hits, key=lambda k: unit_areas[k])].name if hits else None
        if rng.random() < 0.08:
            sponsor = None
        ds.hotspots.append(
            HotspotSpec(
                name=f"{HOTSPOT_PREFIX}基准点位{i:04d}",
                category=category,
                shape=to_degrees(shape),
                sponsor=sponsor,
                active=rng.random() >= 0.04,
                risk_level=("low", "medium", "high")[int(rng.integers(3))],
            )
        )
    _check(ds)
    return ds


def _check(ds: Dataset) -> None:
    """The tiling promises: every shape valid, communities (and cells within a community) non-overlapping."""
    for j in ds.jurisdictions:
        assert j.shape.is_valid, (j.code, shapely.is_valid_reason(j.shape))
    for u in ds.units:
        assert u.shape.is_valid and not u.shape.is_empty, u.name
    communities = [to_metres(j.shape) for j in ds.jurisdictions if j.kind == "community"]
    total = sum(c.area for c in communities)
    assert abs(shapely.union_all(communities).area - total) < 1e-6 * total, "communities overlap"
