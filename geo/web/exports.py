"""The page of a person's layer exports (/exports/): each with its layer, format, filters, status and progress
(polled from the API while it is written), and its download once ready. Exports are asked for from the map."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from geo.exports.build import export_extension
from geo.exports.expiry import exports_expire
from geo.exports.selectors import exports_for_user
from geo.layers import LayerNotFound, get_layer

PAGE_SIZE = 20


def _layer_label(name: str) -> str:
    try:
        return str(get_layer(name).label)
    except LayerNotFound:
        return name


@require_GET
@login_required
def export_list(request):
    exports = exports_for_user(request.user)
    exports_expire(exports)
    page = Paginator(exports, PAGE_SIZE).get_page(request.GET.get("page"))
    for export in page.object_list:
        export.layer_label = _layer_label(export.layer)
        export.extension = export_extension(export)
    keep_days = f"{settings.EXPORT_KEEP_DAYS:g}"
    return render(request, "geo/exports.html", {"page": page, "keep_days": keep_days})


app_name = "exports"
urlpatterns = [path("", export_list, name="list")]
