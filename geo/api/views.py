from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import can_route_point
from accounts.roles import is_admin
from geo.api.filters import BBoxFilter, HotspotFilter, JurisdictionFilter, UnitFilter
from geo.api.ordering import StrictOrderingFilter
from geo.api.serializers import (
    HotspotSerializer,
    JurisdictionSerializer,
    RouteQuerySerializer,
    RouteSerializer,
    UnitSerializer,
)
from geo.routing import route_point
from geo.selectors import hotspots_for_user, in_scope, jurisdictions_for_user, scope_root, units_for_user


class GeoViewSet(viewsets.ReadOnlyModelViewSet):
    """GeoJSON FeatureCollections of what the caller may see; `?bbox=` narrows to a map view."""

    filter_backends = [DjangoFilterBackend, BBoxFilter, StrictOrderingFilter]
    pagination_class = None


class JurisdictionViewSet(GeoViewSet):
    """Jurisdictions: district → subdistrict/area/town → community/village → grid cell."""

    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilter
    ordering_fields = ["code", "name", "level"]
    bbox_filter_field = "boundary"

    def get_queryset(self):
        return jurisdictions_for_user(self.request.user)


class UnitViewSet(GeoViewSet):
    """Rectification units with their service areas (geofences)."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["name", "kind", "routing_priority"]
    bbox_filter_field = "service_area"

    def get_queryset(self):
        return units_for_user(self.request.user)


class HotspotViewSet(GeoViewSet):
    """Hotspots (点位): points or outlines, with category, jurisdiction and sponsoring unit."""

    serializer_class = HotspotSerializer
    filterset_class = HotspotFilter
    ordering_fields = ["name", "risk_level", "created_at", "updated_at"]
    bbox_filter_field = "geometry"

    def get_queryset(self):
        return hotspots_for_user(self.request.user)


class RouteView(APIView):
    """Which unit answers for a point, and by which rule (hotspot, service_area, priority or unrouted).

    Only for a point of the caller's own area (an administrator: anywhere); a point outside it, outside every
    jurisdiction included, is refused with 403, and so is a caller with no area at all."""

    @extend_schema(
        parameters=[RouteQuerySerializer],
        responses={
            200: RouteSerializer,
            400: OpenApiResponse(description="lon or lat missing or out of range."),
            403: OpenApiResponse(
                description="Rectifiers, callers without an area, and points outside the caller's area."
            ),
        },
    )
    def get(self, request):
        user = request.user
        if not can_route_point(user):
            raise PermissionDenied()
        root = scope_root(user)
        if root is None and not is_admin(user):
            raise PermissionDenied(
                _("Your account has no area assigned, so you cannot ask where points belong: ask an administrator.")
            )
        query = RouteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        route = route_point(Point(query.validated_data["lon"], query.validated_data["lat"], srid=4326))
        if not in_scope(user, route.jurisdiction):
            raise PermissionDenied(
                _("This point lies outside your area (%(area)s): you can only ask where points of your area belong.")
                % {"area": root.display_name}
            )
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
