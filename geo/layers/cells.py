"""The cells the aggregates bin rows into: flat-topped hexagons and squares of a size in metres, laid on a local
metric frame, and the bins of the heatmap.

**The frame.** An equirectangular projection on the sphere of mean radius: x = lon · m · cos φ₀, y = lat · m (m the
metres in a degree of latitude), with φ₀ the reference latitude, the view's middle latitude rounded to a whole
degree, so that panning within the district keeps the same grid (a cell's id names the same place in every view of
the same size). Within half a degree of φ₀ a cell's east–west width is off by less than 1 % (cos φ varies by that
much); the district is far smaller. Unlike Web Mercator (3857), the frame needs no scale correction by latitude,
and both databases compute it with the same few multiplications (the SpatiaLite and PostGIS answers are equal).

**The grids.** Squares of side ``size`` with corners on multiples of ``size``: cell (c, r) spans
[c·size, (c+1)·size) × [r·size, (r+1)·size). Hexagons of edge (and circumradius) ``size``, flat-topped, laid like
PostGIS's ST_HexagonGrid: cell (c, r) has its centre at x = 1.5·size·c, y = √3·size·(r + ½ if c is odd). A point
belongs to the hexagon of the nearest centre: the nearest of two rectangular lattices of centres (even and odd
columns), so a cell id is a few floors and one comparison per row, and only non-empty cells are ever drawn.
"""

import math
from dataclasses import dataclass

EARTH_RADIUS = 6_371_008.8  # the mean radius (IUGG), metres
METRES_PER_DEGREE = EARTH_RADIUS * math.pi / 180
MIN_SIZE = 50.0
MAX_SIZE = 50_000.0
MAX_CELLS = 10_000
MAX_HEAT_POINTS = 5_000
# Cells a view gets when no size is asked for: fine enough to show a pattern, coarse enough to read.
DEFAULT_CELLS = 1_000
SQRT3 = math.sqrt(3)
HEX = "hex"
SQUARE = "square"
HEAT = "heat"

Extent = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


@dataclass(frozen=True)
class Frame:
    """The local metric frame at ``latitude`` (whole degrees)."""

    latitude: float

    @property
    def kx(self) -> float:
        return METRES_PER_DEGREE * math.cos(math.radians(self.latitude))

    @property
    def ky(self) -> float:
        return METRES_PER_DEGREE

    def lon_lat(self, x: float, y: float) -> list[float]:
        return [round(x / self.kx, 7), round(y / self.ky, 7)]

    def span(self, extent: Extent) -> tuple[float, float]:
        """The extent's width and height in metres."""
        min_lon, min_lat, max_lon, max_lat = extent
        return (max_lon - min_lon) * self.kx, (max_lat - min_lat) * self.ky


def frame_for(extent: Extent) -> Frame:
    middle = (extent[1] + extent[3]) / 2
    return Frame(latitude=float(max(-80, min(80, round(middle)))))


def cells_over(kind: str, size: float, width: float, height: float) -> int:
    """How many cells of ``kind`` and ``size`` a box of ``width`` × ``height`` metres may touch (an upper bound)."""
    if kind == HEX:
        return (math.ceil(width / (1.5 * size)) + 2) * (math.ceil(height / (SQRT3 * size)) + 2)
    return (math.ceil(width / size) + 1) * (math.ceil(height / size) + 1)


def nice_size(minimum: float) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least ``minimum``."""
    if minimum <= 0:
        return MIN_SIZE
    power = 10 ** math.floor(math.log10(minimum))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= minimum * (1 - 1e-9):
            return step * power
    return 10 * power


def smallest_size(kind: str, width: float, height: float, limit: int) -> float:
    """The smallest nice size whose cells over the box number at most ``limit`` (at least MIN_SIZE)."""
    cell_area = 3 * SQRT3 / 2 if kind == HEX else 1.0  # a cell's area over size²
    size = nice_size(max(MIN_SIZE, math.sqrt(width * height / (limit * cell_area))))
    while cells_over(kind, size, width, height) > limit:
        size = nice_size(size * 1.01)
    return size


def default_size(kind: str, width: float, height: float) -> float:
    """The size a view gets unless it asks: about DEFAULT_CELLS cells (MAX_HEAT_POINTS bins for the heatmap)."""
    return min(MAX_SIZE, smallest_size(kind, width, height, MAX_HEAT_POINTS if kind == HEAT else DEFAULT_CELLS))


def hexagon(frame: Frame, size: float, col: int, row: int) -> list[list[float]]:
    """The ring of hexagon (col, row), counter-clockwise, closed, in WGS84."""
    cx = 1.5 * size * col
    cy = SQRT3 * size * (row + (0.5 if col % 2 else 0))
    ring = [
        frame.lon_lat(cx + size * math.cos(math.radians(60 * k)), cy + size * math.sin(math.radians(60 * k)))
        for k in range(6)
    ]
    return [*ring, ring[0]]


def square(frame: Frame, size: float, col: int, row: int) -> list[list[float]]:
    x0, y0 = col * size, row * size
    corners = ((x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0))
    return [frame.lon_lat(x, y) for x, y in corners]


def square_centre(frame: Frame, size: float, col: int, row: int) -> list[float]:
    """[lat, lon] of a square's centre (the heatmap's order)."""
    lon, lat = frame.lon_lat((col + 0.5) * size, (row + 0.5) * size)
    return [round(lat, 6), round(lon, 6)]
