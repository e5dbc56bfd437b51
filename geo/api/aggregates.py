"""`GET /api/layers/<layer>/aggregate`: a map layer's rows counted per hexagon, square, community or grid cell, or
binned for the heatmap, in the database (``geo.layers.aggregates``)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.api.filters import MAX_ID
from geo.layers import LayerFilterError, LayerNotFound, cells, get_layer
from geo.layers.aggregates import CELL_KINDS, aggregate

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _query(name: str, schema, description: str, **kwargs) -> OpenApiParameter:
    return OpenApiParameter(name, schema, OpenApiParameter.QUERY, description=description, **kwargs)


FIGURES = {"description": "A count, a share (null when its denominator is 0), or a name and code (choropleths)."}
CELL_COLLECTION = {
    "type": "object",
    "required": ["total"],
    "properties": {
        "total": {"type": "integer", "description": "Rows in the bbox after the filters."},
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "cell": {"type": "string", "enum": list(CELL_KINDS)},
        "size": {"type": "number", "description": "The cell (or heatmap bin) size used, in metres."},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": {"type": "object"},
                    "properties": {"type": "object", "additionalProperties": FIGURES},
                },
            },
        },
        "points": {
            "type": "array",
            "description": "cell=heat: [lat, lon, weight] per bin centre.",
            "items": {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3},
        },
    },
}


class LayerAggregateView(APIView):
    """A layer's figures per cell, computed in the database over the caller's rows (the same scope as the API).

    - `cell=hex` (default) or `square`: a FeatureCollection of the non-empty cells (WGS84 polygons; hexagons are
      flat-topped with edge `size`, squares of side `size`, on a local metric frame), properties `count`, `weight`
      (the sum of the layer's heatmap weight; the count when it has none) and the layer's figures: for `tasks`
      `overdue`, `overdue_share` (overdue / count), `closed` (fix verified), `on_time` and `on_time_rate`
      (按期结案率 as the metrics count it: closed on time / tasks come due by today, not void, never deferred,
      `on_time_base`).
    - `cell=community` or `grid`: the same figures per community (or village) or grid cell containing the rows'
      jurisdiction, with its boundary as the geometry (a choropleth); rows outside every one are left out.
    - `cell=heat`: `{"total", "size", "points": [[lat, lon, weight], …]}`, the weights summed per square bin of
      `size` (at most 5,000 bins in the view).

    `size` (metres, 50 to 50,000) defaults by the view's extent (about 1,000 cells; 5,000 heatmap bins); a size
    that would make more than 10,000 cells (5,000 bins) answers 400 naming the smallest that fits. Every answer has
    `total`: the rows in the bbox after the filters, to choose between GeoJSON and tiles."""

    @extend_schema(
        operation_id="layers_aggregate",
        parameters=[
            OpenApiParameter(
                "layer", OpenApiTypes.STR, OpenApiParameter.PATH, description="A layer's name: tasks, findings, …"
            ),
            _query("cell", {"type": "string", "enum": list(CELL_KINDS), "default": cells.HEX}, "What to group by."),
            _query(
                "size",
                {"type": "number", "minimum": cells.MIN_SIZE, "maximum": cells.MAX_SIZE},
                "Cell or bin size in metres (hexagon edge, square side); by default from the view's extent.",
            ),
            _query(
                "bbox",
                {"type": "string", "example": "116.20,39.84,116.24,39.86"},
                "min_lon,min_lat,max_lon,max_lat (WGS84): only rows intersecting this box; the whole layer without.",
            ),
            _query("start", OpenApiTypes.DATE, "From this date (the layer's time field), inclusive."),
            _query("end", OpenApiTypes.DATE, "Up to this date, inclusive."),
            _query("community", ID, "A jurisdiction's id: rows in it and below it."),
            _query("campaign", ID, "A campaign's id (tasks, findings)."),
            _query("phase", ID, "A campaign phase's id (tasks, findings)."),
            _query("unit", ID, "A unit's id: responsible unit (tasks, findings), sponsoring unit (hotspots)."),
            _query("category", OpenApiTypes.STR, "A hotspot category's code."),
            _query("problem_type", OpenApiTypes.STR, "A problem type's code (tasks, findings)."),
            _query(
                "status",
                {"type": "array", "items": {"type": "string"}},
                "Task states, repeatable (tasks, findings): a status or `overdue`.",
                explode=True,
            ),
        ],
        responses={
            200: OpenApiResponse(response=CELL_COLLECTION, description="The cells, choropleth or heatmap bins."),
            400: OpenApiResponse(description="A bad cell, size, bbox or filter value, named with a message."),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="A layer the caller may not open."),
            404: OpenApiResponse(description="No layer of that name."),
        },
    )
    def get(self, request, layer: str):
        try:
            found = get_layer(layer)
        except LayerNotFound:
            raise NotFound(_("There is no map layer called “%(name)s”.") % {"name": layer}) from None
        if not found.visible(request.user):
            raise PermissionDenied(_("You may not open this map layer."))
        try:
            return Response(aggregate(found, request.user, request.query_params))
        except LayerFilterError as error:
            raise ValidationError(error.errors) from None
