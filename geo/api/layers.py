"""The map layers over the API: ``GET /api/layers/`` (the layers the caller may open, with style and legend) and
``GET /api/layers/<layer>.geojson`` (a layer's features in a bbox, written by the database and streamed)."""

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.api.filters import MAX_ID, IdFilter, parse_bbox
from geo.layers import Layer, LayerFilterError, LayerNotFound, all_layers, get_layer, layers_for
from geo.layers.geojson import feature_query, stream_collection

GEOJSON_MEDIA_TYPE = "application/geo+json"


class GeoJSONRenderer(JSONRenderer):
    """Lets a client ask for ``application/geo+json``; the collection itself is streamed, never rendered."""

    media_type = GEOJSON_MEDIA_TYPE
    format = "geojson"


class LegendEntrySerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    color = serializers.CharField(help_text="CSS colour, #rrggbb")
    emphasis = serializers.BooleanField(help_text="Drawn to stand out (overdue, rejected).")


class LayerSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    style = serializers.CharField(help_text="The property the colour follows.")
    legend = LegendEntrySerializer(many=True)
    time_field = serializers.CharField(help_text="The date the date range and the time control filter on.")
    weighted = serializers.BooleanField(help_text="Whether the layer has a heatmap weight.")
    photos = serializers.BooleanField(help_text="Whether its features have photos (an export may take them along).")


class LayerListView(APIView):
    """The map layers the caller may open, in the map's order, each with its style property and legend."""

    @extend_schema(responses={200: LayerSerializer(many=True)})
    def get(self, request):
        return Response([layer.as_dict() for layer in layers_for(request.user)])


def max_features() -> int:
    return settings.LAYER_GEOJSON_MAX_FEATURES


class LimitField(forms.IntegerField):
    default_error_messages = {
        "invalid": gettext_lazy("limit must be a whole number from 1 to %(max)s, not “%(value)s”."),
    }

    def to_python(self, value):
        try:
            number = super().to_python(value)
            valid = number is None or 1 <= number <= max_features()
        except DjangoValidationError:
            valid = False
        if not valid:
            raise DjangoValidationError(
                self.error_messages["invalid"], code="invalid", params={"max": max_features(), "value": value}
            )
        return number


def _messages(error: ValidationError) -> list:
    detail = error.detail
    return detail if isinstance(detail, list) else [detail]


def query_errors(query_params) -> tuple[dict, dict]:
    """The bbox and limit of the request (``bbox`` None for the whole layer), and the messages of those refused."""
    values, errors = {"bbox": None, "limit": max_features()}, {}
    if bbox := query_params.get("bbox"):
        try:
            values["bbox"] = parse_bbox(bbox)
        except ValidationError as error:
            errors.update({name: _messages(ValidationError(detail)) for name, detail in error.detail.items()})
    try:
        values["limit"] = LimitField(required=False).clean(query_params.get("limit")) or max_features()
    except DjangoValidationError as error:
        errors["limit"] = error.messages
    return values, errors


def other_layers_filter_errors(layer, query_params) -> dict:
    """A filter only other layers have is ignored by this one, but its value must still be one those layers take:
    the schema documents one set of filters for every layer."""
    own = layer.filterset.base_filters
    fields = {}
    for other in all_layers():
        for name, filter_ in other.filterset.base_filters.items():
            if name not in own:
                fields.setdefault(name, filter_.field)
    form = type("OtherLayersFilters", (forms.Form,), fields)(data=query_params)
    return {} if form.is_valid() else {name: list(messages) for name, messages in form.errors.items()}


def _filter_schema(filter_) -> dict:
    if isinstance(filter_, IdFilter):
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    if isinstance(filter_, django_filters.DateFilter):
        return {"type": "string", "format": "date"}
    if isinstance(filter_, django_filters.BooleanFilter):
        return {"type": "boolean", "description": "true or false"}
    if isinstance(filter_, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter):
        choices = filter_.extra.get("choices") or []
        return {"type": "string", "enum": sorted({str(value) for value, _label in choices})}
    return {"type": "string"}


def filter_parameters() -> list[OpenApiParameter]:
    """Every registered layer's filters, once per name (a filter another layer does not have is ignored there)."""
    seen: dict[str, tuple[dict, bool, str, list[str]]] = {}
    for layer in all_layers():
        for name, filter_ in layer.filterset.base_filters.items():
            schema = _filter_schema(filter_)
            many = isinstance(filter_, django_filters.MultipleChoiceFilter)
            if name in seen:
                known, known_many, label, names = seen[name]
                if "enum" in known and "enum" in schema:
                    known = {**known, "enum": sorted({*known["enum"], *schema["enum"]})}
                seen[name] = (known, known_many or many, label, [*names, layer.name])
            else:
                seen[name] = (schema, many, str(filter_.label or name), [layer.name])
    return [
        OpenApiParameter(
            name,
            {"type": "array", "items": schema} if many else schema,
            OpenApiParameter.QUERY,
            description=f"{label} (layers: {', '.join(names)}){'; repeatable' if many else ''}.",
            explode=True if many else None,
        )
        for name, (schema, many, label, names) in seen.items()
    ]


def layer_parameter(description: str = "The layer's name (see /api/layers/).") -> OpenApiParameter:
    """The ``layer`` path parameter: the names the registry holds, read when the schema is made."""
    return OpenApiParameter(
        "layer",
        {"type": "string", "enum": [layer.name for layer in all_layers()]},
        OpenApiParameter.PATH,
        description=description,
    )


class LayerGeoJSONSchema(AutoSchema):
    """The layer names and their filters come from the registry, filled at start-up: read when the schema is made."""

    def _get_format_parameters(self):
        return []  # the collection is GeoJSON whatever the renderer; DRF's ?format= would only change the errors

    def get_override_parameters(self):
        return [
            *super().get_override_parameters(),
            layer_parameter(),
            OpenApiParameter(
                "bbox",
                str,
                OpenApiParameter.QUERY,
                description="min_lon,min_lat,max_lon,max_lat (WGS84): only features intersecting this box.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": max_features()},
                OpenApiParameter.QUERY,
                description="At most this many features (default and maximum: LAYER_GEOJSON_MAX_FEATURES).",
            ),
            *filter_parameters(),
        ]


FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features", "numberReturned", "truncated"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "id", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": {"type": "object", "nullable": True},
                    "properties": {"type": "object", "additionalProperties": True},
                },
            },
        },
        "numberReturned": {"type": "integer", "minimum": 0},
        "truncated": {"type": "boolean", "description": "More features matched than were returned (`limit`)."},
    },
}


class LayerGeoJSONView(APIView):
    """A layer's features as a GeoJSON FeatureCollection (WGS84), built by the database and streamed: the caller's
    rows (scoped as the API lists them) through the layer's filters, in the bbox, ordered by id, at most `limit`.
    When more match, the collection ends with `"truncated": true` (switch to the vector tiles or narrow the view).
    Datetimes are ISO 8601 strings in UTC."""

    renderer_classes = [JSONRenderer, GeoJSONRenderer]
    schema = LayerGeoJSONSchema()

    @extend_schema(
        operation_id="layers_geojson",
        responses={
            (200, GEOJSON_MEDIA_TYPE): OpenApiResponse(response=FEATURE_COLLECTION, description="The features."),
            400: OpenApiResponse(description="A bad bbox, limit or filter value: each message names its parameter."),
            403: OpenApiResponse(description="A layer your role may not open (volunteers: the tasks)."),
            404: OpenApiResponse(description="No layer of that name."),
        },
    )
    def get(self, request, layer):
        found = open_layer(request, layer)
        values, errors = query_errors(request.query_params)
        rows = layer_rows(request, found, errors)
        query = feature_query(found, rows, limit=values["limit"], bbox=values["bbox"])
        return StreamingHttpResponse(stream_collection(query), content_type=GEOJSON_MEDIA_TYPE)


def open_layer(request, name: str) -> Layer:
    """The layer of that name if the caller may open it: 404 for no such layer, 403 for one their role may not."""
    try:
        found = get_layer(name)
    except LayerNotFound:
        raise NotFound(_("There is no map layer named “%(name)s”.") % {"name": name}) from None
    if not found.visible(request.user):
        raise PermissionDenied(_("Your role cannot open the map layer “%(layer)s”.") % {"layer": found.label})
    return found


def layer_rows(request, layer: Layer, errors: dict) -> QuerySet:
    """The caller's rows of ``layer`` through its filters; a 400 naming every refused parameter, those in ``errors``
    (the view's own: bbox, limit, z/x/y …) included."""
    errors = {**errors, **other_layers_filter_errors(layer, request.query_params)}
    try:
        rows = layer.queryset(request.user, request.query_params)
    except LayerFilterError as error:
        errors = {**error.errors, **errors}
    if errors:
        raise ValidationError(errors)
    return rows
