"""Findings-like points over the synthetic district, in seeded chunks: the first N of a larger set are the set of N."""

from __future__ import annotations

import math

import numpy as np
import shapely

from benchmarks.synthetic.dataset import POINT_CHUNK, Dataset, metres_to_lonlat, to_metres


def point_count_chunks(n: int) -> int:
    return -(-n // POINT_CHUNK)


def generate_points(ds: Dataset, n: int, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """n findings-like points (lon, lat): 60 % around hotspots, 33 % uniform over the area, 7 % over the district.

    Generated in seeded chunks of POINT_CHUNK, so the first n points of a larger set equal the set of size n.
    """
    seed = ds.params.seed if seed is None else seed
    frame = PointFrame(ds)
    chunks = [frame.chunk(seed, k) for k in range(point_count_chunks(n))]
    lons = np.concatenate([c[0] for c in chunks])[:n] if chunks else np.empty(0)
    lats = np.concatenate([c[1] for c in chunks])[:n] if chunks else np.empty(0)
    return np.ascontiguousarray(lons), np.ascontiguousarray(lats)


def generate_chunk(ds: Dataset, seed: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Chunk k (POINT_CHUNK points) of the points generate_points(ds, …, seed) makes."""
    return PointFrame(ds).chunk(seed, k)


class PointFrame:
    """The anchors and extents the points are drawn around, in metres."""

    def __init__(self, ds: Dataset):
        anchors = []
        spreads = []
        for h in ds.hotspots:
            m = to_metres(h.shape)
            p = m if m.geom_type == "Point" else shapely.point_on_surface(m)
            anchors.append((p.x, p.y))
            spreads.append(25.0 + 0.5 * math.sqrt(m.area))
        self.anchors = np.array(anchors)
        self.spreads = np.array(spreads)
        area_bounds = to_metres(ds.area).bounds
        self.district_bounds = to_metres(ds.district).bounds
        pad_x, pad_y = 0.05 * (area_bounds[2] - area_bounds[0]), 0.05 * (area_bounds[3] - area_bounds[1])
        self.lo_area = (area_bounds[0] - pad_x, area_bounds[1] - pad_y)
        self.hi_area = (area_bounds[2] + pad_x, area_bounds[3] + pad_y)

    def chunk(self, seed: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([seed, 1, k])
        size = POINT_CHUNK
        kind = rng.choice(3, size=size, p=(0.60, 0.33, 0.07))
        xy = np.empty((size, 2))
        clustered = kind == 0
        which = rng.integers(len(self.anchors), size=int(clustered.sum()))
        xy[clustered] = self.anchors[which] + rng.normal(size=(len(which), 2)) * self.spreads[which, None]
        uniform = kind == 1
        xy[uniform] = rng.uniform(self.lo_area, self.hi_area, size=(int(uniform.sum()), 2))
        background = kind == 2
        bounds = self.district_bounds
        xy[background] = rng.uniform(bounds[:2], bounds[2:], size=(int(background.sum()), 2))
        lons, lats = metres_to_lonlat(xy[:, 0], xy[:, 1])
        return np.ascontiguousarray(lons), np.ascontiguousarray(lats)
