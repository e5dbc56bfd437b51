from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo.models import Hotspot, Jurisdiction, Unit


class JurisdictionSerializer(GeoFeatureModelSerializer):
    class Meta:
        model = Jurisdiction
        geo_field = "boundary"
        fields = ["id", "code", "name", "name_en", "kind", "level", "parent"]


class UnitSerializer(GeoFeatureModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)

    class Meta:
        model = Unit
        geo_field = "service_area"
        fields = [
            "id",
            "name",
            "name_en",
            "kind",
            "jurisdiction",
            "jurisdiction_code",
            "routing_priority",
            "service_area_m2",
            "contact_name",
            "contact_phone",
            "contact_email",
            "active",
        ]


class HotspotSerializer(GeoFeatureModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.display_name", read_only=True)
    color = serializers.CharField(source="category.color", read_only=True)
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.display_name", read_only=True)
    sponsoring_unit_name = serializers.CharField(
        source="sponsoring_unit.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Hotspot
        geo_field = "geometry"
        fields = [
            "id",
            "name",
            "address",
            "category",
            "category_name",
            "color",
            "jurisdiction",
            "jurisdiction_code",
            "jurisdiction_name",
            "sponsoring_unit",
            "sponsoring_unit_name",
            "risk_level",
            "active",
        ]


class RouteQuerySerializer(serializers.Serializer):
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="Longitude, WGS84")
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="Latitude, WGS84")


class RoutedUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    kind = serializers.CharField()


class RoutedJurisdictionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="display_name")
    kind = serializers.CharField()


class RoutedHotspotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RouteSerializer(serializers.Serializer):
    unit = RoutedUnitSerializer(allow_null=True)
    jurisdiction = RoutedJurisdictionSerializer(allow_null=True)
    rule = serializers.ChoiceField(choices=["hotspot", "service_area", "priority", "unrouted"])
    hotspot = RoutedHotspotSerializer(allow_null=True)
