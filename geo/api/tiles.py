"""``GET /tiles/<layer>/<z>/<x>/<y>.pbf``: a map layer as Mapbox Vector Tiles (``geo.layers.tiles``), with the
GeoJSON endpoint's scope, filters and answers (403, 404, 400), an ETag and ``Cache-Control: private``, and the
server's tile cache (``geo.layers.tile_cache``)."""

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from geo.api.layers import filter_parameters, layer_parameter, layer_rows, open_layer
from geo.layers import LayerFilterError
from geo.layers.tile_cache import cached_tile, max_age
from geo.layers.tiles import MAX_ZOOM, MEDIA_TYPE, parse_tile


class ErrorsAsJSON(BaseContentNegotiation):
    """A tile is bytes whatever the client accepts (a map asks for the MVT type, a browser for anything); the
    errors (400, 403, 404) are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


class TileSchema(AutoSchema):
    def _get_format_parameters(self):
        return []

    def get_override_parameters(self):
        def path(name, schema, description):
            return OpenApiParameter(name, schema, OpenApiParameter.PATH, description=description)

        return [
            *super().get_override_parameters(),
            layer_parameter("The layer's name (see /api/layers/); also the name of the one MVT layer inside the tile."),
            path("z", {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}, "Zoom level."),
            path("x", {"type": "integer", "minimum": 0}, "Column, 0 to 2^z − 1, west to east (XYZ scheme)."),
            path("y", {"type": "integer", "minimum": 0}, "Row, 0 to 2^z − 1, north to south (XYZ scheme)."),
            *filter_parameters(),
        ]


class LayerTileView(APIView):
    """A layer's features in one Web Mercator tile, as a Mapbox Vector Tile (extent 4096, buffer 64): the caller's
    rows (scoped as the API lists them) through the layer's filters (the same query parameters as the GeoJSON), in
    one MVT layer named like the map layer. Feature properties are the GeoJSON's (datetimes as ISO 8601 strings in
    UTC; a missing value is left out); the feature id is the row's id when it is a whole number, else the property
    `id` (a string). No row limit. An empty tile is an empty body. Answers carry an ETag and
    `Cache-Control: private, max-age=…`; `If-None-Match` with the current ETag answers 304."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = ErrorsAsJSON
    schema = TileSchema()

    @extend_schema(
        operation_id="layers_tile",
        responses={
            (200, MEDIA_TYPE): OpenApiResponse(
                response={"type": "string", "format": "binary"},
                description="The tile (empty: no feature), holding at most LAYER_TILE_MAX_FEATURES features "
                "(default 50,000).",
            ),
            304: OpenApiResponse(description="Not modified: the tile named by If-None-Match is still current."),
            400: OpenApiResponse(description="A bad z, x, y or filter value: each message names its parameter."),
            403: OpenApiResponse(description="A layer your role may not open (volunteers: the tasks)."),
            404: OpenApiResponse(description="No layer of that name."),
        },
    )
    def get(self, request, layer, z, x, y):
        found = open_layer(request, layer)
        errors, tile = {}, None
        try:
            tile = parse_tile(z, x, y)
        except LayerFilterError as error:
            errors = error.errors
        rows = layer_rows(request, found, errors)
        entry = cached_tile(found, request.user, request.query_params, rows, tile)
        wanted = _etags(request.headers.get("If-None-Match", ""))
        if entry.etag in wanted or "*" in wanted:
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(entry.body, content_type=MEDIA_TYPE)
        response["ETag"] = entry.etag
        patch_cache_control(response, private=True, max_age=max_age())
        return response


def _etags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header (weak ones compared by their value, as RFC 9110 asks for it)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
