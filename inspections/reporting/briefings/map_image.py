"""The briefing's static map: the scope's communities coloured by their score for the phase, and the period's
findings as dots, drawn on the server with geopandas and matplotlib (Agg, no window, no internet tiles).

Chinese labels need a CJK font: ``BRIEFING_FONT_PATH``, else the first of Debian's Noto CJK (``fonts-noto-cjk``,
installed by ``make run``) or WenQuanYi fonts found. At most ``BRIEFING_MAP_MAX_POINTS`` findings are drawn (the
most recent); the caption says how many of how many.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import geopandas
import shapely
from django.conf import settings
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from matplotlib import font_manager, rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo.models import COMMUNITY_LEVEL, Jurisdiction
from inspections.models import Finding

WIDTH_PX, HEIGHT_PX, DPI = 1600, 1200, 100
# The colour scale spans at least these scores, so that close scores do not look far apart.
SCORE_FLOOR, SCORE_CEILING = 60.0, 100.0
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


@dataclass(frozen=True)
class MapData:
    communities: list[tuple[int, str, object]]  # (id, name, shapely geometry)
    scores: dict[int, float | None]
    lons: list[float]
    lats: list[float]
    findings_total: int


@functools.cache
def cjk_font() -> font_manager.FontProperties | None:
    """The CJK font the labels are drawn with, registered with matplotlib once; None when none is installed."""
    configured = getattr(settings, "BRIEFING_FONT_PATH", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            font_manager.fontManager.addfont(candidate)
            font = font_manager.FontProperties(fname=candidate)
            # The default for every text too (the colour bar's label), ahead of the Latin fonts.
            rcParams["font.sans-serif"] = [font.get_name(), *rcParams["font.sans-serif"]]
            return font
    return None


def map_data(*, scope: Jurisdiction | None, findings: QuerySet[Finding], scores: dict[int, float | None]) -> MapData:
    """The communities of the scope with their boundaries and the findings' coordinates (read in chunks)."""
    communities = Jurisdiction.objects.filter(level=COMMUNITY_LEVEL)
    if scope is not None:
        communities = communities.filter(scope.subtree_q())
    shapes = [
        (community.pk, community.display_name, shapely.from_wkb(bytes(community.boundary.wkb)))
        for community in communities.only("pk", "name", "name_en", "boundary").order_by("code")
    ]
    limit = int(getattr(settings, "BRIEFING_MAP_MAX_POINTS", 20000))
    lons, lats = [], []
    points = findings.order_by("-created_at").values_list("location", flat=True)[:limit]
    for point in points.iterator(chunk_size=5000):
        lons.append(point.x)
        lats.append(point.y)
    return MapData(shapes, scores, lons, lats, findings.count())


def render_map(data: MapData, out: BinaryIO, *, title: str) -> None:
    """Write the map as a PNG of WIDTH_PX × HEIGHT_PX into ``out``."""
    font = cjk_font()
    text = {"fontproperties": font} if font is not None else {}
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.02, 0.06, 0.96, 0.86))
    ax.set_axis_off()
    figure.suptitle(title, fontsize=20, **text)
    if data.communities:
        frame = geopandas.GeoDataFrame(
            {
                "name": [name for _, name, _ in data.communities],
                "score": [data.scores.get(pk) for pk, _, _ in data.communities],
            },
            geometry=[shape for _, _, shape in data.communities],
            crs="EPSG:4326",
        )
        scored = frame[frame["score"].notna()]
        unscored = frame[frame["score"].isna()]
        if not unscored.empty:
            unscored.plot(ax=ax, color="#dddddd", edgecolor="#555555", linewidth=0.8)
        if not scored.empty:
            low, high = float(scored["score"].min()), float(scored["score"].max())
            scored.plot(
                ax=ax,
                column="score",
                cmap="RdYlGn",
                vmin=min(low, SCORE_FLOOR),
                vmax=max(high, SCORE_CEILING),
                edgecolor="#333333",
                linewidth=0.8,
                alpha=0.8,
                legend=True,
                legend_kwds={"shrink": 0.6, "label": _("Score")},
            )
        for _pk, name, shape in data.communities:
            anchor = shape.representative_point()
            score = data.scores.get(_pk)
            label = name if score is None else f"{name}\n{number_format(score, 1)}"
            ax.annotate(label, (anchor.x, anchor.y), ha="center", va="center", fontsize=10, **text)
        minx, miny, maxx, maxy = frame.total_bounds
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect(1 / math.cos(math.radians((miny + maxy) / 2)))
    if data.lons:
        ax.scatter(data.lons, data.lats, s=14, c="#08306b", alpha=0.75, edgecolors="#ffffff", linewidths=0.4, zorder=3)
    if not data.communities and not data.lons:
        ax.text(0.5, 0.5, _("Nothing to show in this period."), ha="center", va="center", fontsize=18, **text)
    caption = _(
        "Communities coloured by their score for the phase (green: higher, grey: not scored); dark dots: findings "
        "(%(drawn)s of %(total)s)."
    ) % {
        "drawn": number_format(len(data.lons), force_grouping=True),
        "total": number_format(data.findings_total, force_grouping=True),
    }
    figure.text(0.5, 0.02, caption, ha="center", fontsize=11, **text)
    figure.savefig(out, format="png", dpi=DPI)
