from django.contrib.gis.geos import Point
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import can_route_point
from geo.api.filters import BBoxFilter, HotspotFilter, JurisdictionFilter, UnitFilter
from geo.api.serializers import (
    HotspotSerializer,
    JurisdictionSerializer,
    RouteQuerySerializer,
    RouteSerializer,
    UnitSerializer,
)
from geo.routing import route_point
from geo.selectors import hotspots_for_user, jurisdictions_for_user, units_for_user


class GeoViewSet(viewsets.ReadOnlyModelViewSet):
    """GeoJSON FeatureCollections of what the caller may see; `?bbox=` narrows to a map view."""

    filter_backends = [DjangoFilterBackend, BBoxFilter]
    pagination_class = None


class JurisdictionViewSet(GeoViewSet):
    """Jurisdictions: district → subdistrict/area/town → community/village → grid cell."""

    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilter
    bbox_filter_field = "boundary"

    def get_queryset(self):
        return jurisdictions_for_user(self.request.user)


class UnitViewSet(GeoViewSet):
    """Rectification units with their service areas (geofences)."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    bbox_filter_field = "service_area"

    def get_queryset(self):
        return units_for_user(self.request.user)


class HotspotViewSet(GeoViewSet):
    """Hotspots (点位): points or outlines, with category, jurisdiction and sponsoring unit."""

    serializer_class = HotspotSerializer
    filterset_class = HotspotFilter
    bbox_filter_field = "geometry"

    def get_queryset(self):
        return hotspots_for_user(self.request.user)


class RouteView(APIView):
    """Which unit answers for a point, and by which rule (hotspot, service_area, priority or unrouted)."""

    @extend_schema(parameters=[RouteQuerySerializer], responses=RouteSerializer)
    def get(self, request):
        if not can_route_point(request.user):
            raise PermissionDenied()
        query = RouteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        route = route_point(Point(query.validated_data["lon"], query.validated_data["lat"], srid=4326))
        return Response(
            RouteSerializer(
                {
                    "unit": route.unit,
                    "jurisdiction": route.jurisdiction,
                    "rule": route.rule.value,
                    "hotspot": route.hotspot,
                }
            ).data
        )
