"""How the geo API's GeoJSON features appear in the OpenAPI schema.

drf-spectacular's extension for djangorestframework-gis maps a feature's `geometry` from the model field but leaves out
whether it may be null; a unit without a service area (a campaign office) is a feature with `"geometry": null`.
"""

from drf_spectacular.contrib.rest_framework_gis import GeoFeatureModelSerializerExtension


class NullableGeoFeatureExtension(GeoFeatureModelSerializerExtension):
    """The library's feature schema, with `geometry` nullable where the model's geometry field is."""

    priority = 1

    def map_geo_feature_model_serializer(self, serializer, base_schema):
        schema = super().map_geo_feature_model_serializer(serializer, base_schema)
        if serializer.Meta.model._meta.get_field(serializer.Meta.geo_field).null:
            schema["properties"]["geometry"]["nullable"] = True
        return schema
