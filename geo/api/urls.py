from django.urls import path

from geo.api.aggregates import LayerAggregateView
from geo.api.export import LayerExportView
from geo.api.exports import (
    LayerExportDetailView,
    LayerExportFileView,
    LayerExportListView,
    LayerExportRequestView,
)
from geo.api.layers import LayerGeoJSONView, LayerListView
from geo.api.tiles import LayerTileView
from geo.api.views import HotspotViewSet, JurisdictionViewSet, RouteView, UnitViewSet


def register(router) -> None:
    router.register("jurisdictions", JurisdictionViewSet, basename="jurisdiction")
    router.register("units", UnitViewSet, basename="unit")
    router.register("hotspots", HotspotViewSet, basename="hotspot")


urlpatterns = [
    path("route/", RouteView.as_view(), name="route"),
    path("layers/", LayerListView.as_view(), name="layers"),
    path("layers/<slug:layer>.geojson", LayerGeoJSONView.as_view(), name="layer-geojson"),
    path("layers/<str:layer>/aggregate", LayerAggregateView.as_view(), name="layer-aggregate"),
    path("layers/<str:layer>/export", LayerExportView.as_view(), name="layer-export"),
    path("layers/<str:layer>/exports/", LayerExportRequestView.as_view(), name="layer-exports"),
    path("exports/", LayerExportListView.as_view(), name="export-list"),
    path("exports/<int:pk>/", LayerExportDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/file", LayerExportFileView.as_view(), name="export-file"),
]

# Served at /tiles/ (config/urls.py): z, x and y are read by the view, so that a bad one answers 400 with a message.
tile_urlpatterns = [
    path("<str:layer>/<str:z>/<str:x>/<str:y>.pbf", LayerTileView.as_view(), name="layer-tile"),
]
