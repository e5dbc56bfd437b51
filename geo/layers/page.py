"""The map page (``/map/?layer=<name>&<the layer's filters>``): the registry's layers as points, vector tiles,
heatmap, hexagons or choropleths, over a basemap of the installation's. The page reads the layers, their legends and
features from the API (scoped to the caller there); this view only gives it its settings, URLs and words."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import can_view_map
from accounts.roles import is_manager
from geo.layers.basemaps import available_basemaps
from geo.layers.links import map_links
from geo.models import HotspotCategory
from geo.selectors import scope_root

# The vector tiles' path (contracts: /tiles/<layer>/<z>/<x>/<y>.pbf, with the GeoJSON's filter parameters).
TILES_TEMPLATE = "/tiles/{layer}/{z}/{x}/{y}.pbf"
PLAY_DAYS = 28  # the time control plays the last four weeks, a day a step


def _template(name: str, **kwargs) -> str:
    """A URL with ``{layer}`` in place of the layer's name (reversed with a placeholder slug)."""
    return reverse(name, kwargs={"layer": "LAYER", **kwargs}).replace("LAYER", "{layer}")


def page_config(request) -> dict:
    return {
        "center": list(settings.MAP_CENTER),
        "basemaps": [basemap.as_dict() for basemap in available_basemaps()],
        "geojsonLimit": settings.MAP_GEOJSON_LIMIT,
        "playDays": PLAY_DAYS,
        "today": timezone.localdate().isoformat(),  # the district's day, which the date filters count in
        "showUnits": is_manager(request.user),
        "categories": [
            {"code": category.code, "name": category.display_name, "color": category.color}
            for category in HotspotCategory.objects.filter(active=True)
        ],
        "urls": {
            "layers": reverse("layers"),
            "geojson": _template("layer-geojson"),
            "aggregate": _template("layer-aggregate"),
            "tiles": TILES_TEMPLATE,
            "exports": _template("layer-exports"),
            "jurisdictions": reverse("jurisdiction-list"),
            "units": reverse("unit-list"),
            **map_links(),
        },
    }


@login_required
def map_page(request):
    if not can_view_map(request.user):
        raise PermissionDenied
    return render(
        request,
        "geo/map.html",
        {"config": page_config(request), "scope": scope_root(request.user)},
    )
