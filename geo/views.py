from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.permissions import can_view_map
from accounts.roles import is_manager
from geo.models import HotspotCategory
from geo.selectors import scope_root


@login_required
def map_page(request):
    if not can_view_map(request.user):
        raise PermissionDenied
    return render(
        request,
        "geo/map.html",
        {
            "categories": HotspotCategory.objects.filter(active=True),
            "scope": scope_root(request.user),
            "show_units": is_manager(request.user),
            "tiles_url": settings.MAP_TILES_URL,
            "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
            "center": settings.MAP_CENTER,
        },
    )
