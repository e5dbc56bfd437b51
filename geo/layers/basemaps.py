"""The map's basemaps, from settings: OpenStreetMap (or any WGS84 XYZ server), Tianditu (天地图, only with a key),
AMap/Gaode (高德, GCJ-02: the page shifts its overlays while it is shown) and none (offline networks, tests).

Stored geometry stays WGS84 whatever is shown; ``crs`` tells the page which datum a basemap's tiles are drawn in."""

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

WGS84 = "wgs84"
GCJ02 = "gcj02"
NONE = "none"


@dataclass(frozen=True)
class Basemap:
    id: str
    label: str
    urls: tuple[str, ...]  # one XYZ template per tile layer drawn (Tianditu: the map, then its labels)
    attribution: str = ""
    subdomains: str = ""
    crs: str = WGS84
    max_zoom: int = 18
    options: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def tianditu_urls(key: str) -> tuple[str, ...]:
    wmts = (
        "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
        "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
    )
    return tuple(wmts.format(layer=layer, key=key) for layer in ("vec", "cva"))


def available_basemaps() -> list[Basemap]:
    """The basemaps this installation can show, the default first; ``none`` always last."""
    basemaps = []
    if settings.MAP_TILES_URL:
        basemaps.append(
            Basemap("osm", _("OpenStreetMap"), (settings.MAP_TILES_URL,), settings.MAP_TILES_ATTRIBUTION, max_zoom=19)
        )
    if settings.TIANDITU_KEY:
        basemaps.append(
            Basemap("tianditu", _("Tianditu"), tianditu_urls(settings.TIANDITU_KEY), "© 天地图", "01234567")
        )
    if settings.MAP_AMAP_TILES_URL:
        basemaps.append(
            Basemap("amap", _("AMap (GCJ-02)"), (settings.MAP_AMAP_TILES_URL,), "© 高德地图", "1234", crs=GCJ02)
        )
    basemaps.append(Basemap(NONE, _("No basemap (boundaries only)"), ()))
    return basemaps
