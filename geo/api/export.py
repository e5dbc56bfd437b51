"""``GET /api/layers/<layer>/export?format=gpkg&<filters>``: a layer's features as a file, scoped and filtered
exactly like the GeoJSON endpoint. GeoJSON and CSV are streamed as the database reads; the other formats are
written chunk by chunk to a temporary file that is then streamed and removed."""

import os
import tempfile
from pathlib import Path

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from geo.api.filters import parse_bbox
from geo.api.layers import filter_parameters, layer_parameter, layer_rows, open_layer
from geo.layers.export import FILE_WRITERS, FORMATS, STREAMS


class LayerExportSchema(AutoSchema):
    def _get_format_parameters(self):
        return []

    def get_override_parameters(self):
        return [
            *super().get_override_parameters(),
            layer_parameter(),
            OpenApiParameter(
                "format",
                {"type": "string", "enum": list(FORMATS), "default": "gpkg"},
                OpenApiParameter.QUERY,
                description="gpkg (GeoPackage), shp (zipped Shapefile), geojson, kml, csv (WKT geometry), "
                "xlsx (ledger with localized headers).",
            ),
            OpenApiParameter(
                "bbox",
                str,
                OpenApiParameter.QUERY,
                description="min_lon,min_lat,max_lon,max_lat (WGS84): only features intersecting this box.",
            ),
            *filter_parameters(),
        ]


def export_filename(layer_name: str, extension: str) -> str:
    return f"{layer_name}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


class FormatIsTheFile(DefaultContentNegotiation):
    """``?format=`` names the file's format here, not DRF's renderer: errors are JSON whatever it says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class LayerExportView(APIView):
    """A layer's features (the caller's rows, through the layer's filters and the bbox) as a GIS file or a ledger,
    in WGS84. Every feature that matches is written: there is no limit, and memory stays flat however many."""

    schema = LayerExportSchema()
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatIsTheFile

    @extend_schema(
        operation_id="layers_export",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The file (Content-Disposition names it)."),
            400: OpenApiResponse(description="A bad format, bbox or filter value: each message names its parameter."),
            403: OpenApiResponse(description="A layer your role may not open (volunteers: the tasks)."),
            404: OpenApiResponse(description="No layer of that name."),
        },
    )
    def get(self, request, layer):
        found = open_layer(request, layer)
        errors = {}
        format_name = request.query_params.get("format") or "gpkg"
        if format_name not in FORMATS:
            errors["format"] = [
                _("Choose a format among %(formats)s, not “%(value)s”.")
                % {"formats": ", ".join(FORMATS), "value": format_name}
            ]
        bbox = None
        if value := request.query_params.get("bbox"):
            try:
                bbox = parse_bbox(value)
            except ValidationError as error:
                errors.update(error.detail)
        rows = layer_rows(request, found, errors)
        if bbox is not None:
            rows = rows.filter(**{f"{found.geometry}__intersects": bbox})
        spec = FORMATS[format_name]
        filename = export_filename(found.name, spec.extension)
        if spec.streamed:
            response = StreamingHttpResponse(STREAMS[format_name](found, rows), content_type=spec.media_type)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return FileResponse(
            _written(FILE_WRITERS[format_name], found, rows, spec.extension),
            as_attachment=True,
            filename=filename,
            content_type=spec.media_type,
        )


def _written(writer, layer, rows, extension: str):
    """The file written, opened, and already unlinked: it disappears when the response closes it."""
    folder = Path(tempfile.mkdtemp(prefix="export-"))
    path = folder / f"{layer.name}.{extension}"
    try:
        writer(layer, rows, path)
        handle = open(path, "rb")  # noqa: SIM115  (closed by the response)
    finally:
        for leftover in folder.iterdir():
            leftover.unlink()
        os.rmdir(folder)
    return handle
