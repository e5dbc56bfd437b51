"""Seeded synthetic data for the benchmarks: a district-sized area, its units and hotspots, and findings-like points.

Everything here is synthetic and labelled so. It lives under the division code prefix ``110199`` (no real
district has it) and about 20 km south-east of the Wanping demo, so it never collides with the demo data.

Shape of the data (defaults):

- a district (区, level 0) with a noisy outline about 14 × 11 km;
- one area (地区, level 1) inside it, about 5 × 4 km;
- ~10 communities (社区, level 2): a Voronoi tiling of the area (Lloyd-relaxed), valid and non-overlapping;
- grid cells (网格, level 3): a 400 m grid cut along the community boundaries;
- units: a committee per community (service area = the community), smaller property-manager compounds that
  overlap communities and each other, resident enterprises nested inside compounds, and two enforcement corridors
  with a routing priority; a few units are inactive;
- hotspots: points and polygons in the glossary's categories with sponsoring units; some have no sponsor, some
  are inactive, some sit near each other so the nearest-hotspot rule has work to do;
- points: clustered around hotspots plus uniform background, generated in fixed-size seeded chunks so the first
  N points of a large set are exactly the set of size N.

``generate()`` is pure (no database); ``load_dataset()`` writes it through the geo services; ``write_points()`` fills
the ``bench_points`` table with COPY.

Modules: ``dataset`` (the parameters, the shapes and ``generate()``), ``points`` (the seeded point chunks),
``database`` (loading the dataset and the points table).
"""

from benchmarks.synthetic.database import (
    SMALL_TABLES,
    analyze_small_tables,
    create_points_table,
    load_dataset,
    purge_dataset,
    write_points,
)
from benchmarks.synthetic.dataset import (
    CODE_PREFIX,
    HOTSPOT_PREFIX,
    POINTS_TABLE,
    UNIT_PREFIX,
    Dataset,
    Params,
    generate,
)
from benchmarks.synthetic.points import generate_points, point_count_chunks

__all__ = [
    "CODE_PREFIX",
    "HOTSPOT_PREFIX",
    "POINTS_TABLE",
    "SMALL_TABLES",
    "UNIT_PREFIX",
    "Dataset",
    "Params",
    "analyze_small_tables",
    "create_points_table",
    "generate",
    "generate_points",
    "load_dataset",
    "point_count_chunks",
    "purge_dataset",
    "write_points",
]
