"""Layer exports in the background: ``POST /api/layers/<layer>/exports/`` asks for one (202 with the job), then
``GET /api/exports/`` (the caller's own), ``GET /api/exports/<id>/`` (status and progress) and
``GET /api/exports/<id>/file`` (the file once ready). Someone else's export is a 404, whoever asks."""

from types import SimpleNamespace

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from geo.api.export import FormatIsTheFile
from geo.api.fields import TextField, TrueOrFalseField
from geo.api.filters import parse_bbox
from geo.api.layers import layer_parameter, layer_rows, open_layer
from geo.exports.build import export_filename
from geo.exports.expiry import expire_if_due, exports_expire
from geo.exports.selectors import exports_for_user
from geo.exports.services import export_request
from geo.layers import all_layers
from geo.layers.export import FORMATS
from geo.models import ExportStatus, LayerExport

ZIP = "application/zip"
JSON = "application/json"


class ExportRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(FORMATS), default="gpkg")
    with_photos = TrueOrFalseField(
        default=False,
        help_text="A zip of the layer's file, the features' photos you may see and manifest.csv (findings and "
        "tasks only).",
    )
    filters = serializers.DictField(
        child=serializers.ListField(child=TextField(allow_blank=True, max_length=100), max_length=50),
        required=False,
        default=dict,
        help_text="The map's filters, as the GeoJSON endpoint takes them: each name with its values "
        '({"status": ["overdue"], "community": ["12"]}).',
    )
    bbox = TextField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="min_lon,min_lat,max_lon,max_lat (WGS84): only features intersecting this box; empty: all.",
    )


class LayerExportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress = serializers.IntegerField(read_only=True, help_text="Percent done (rows and photos).")
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = LayerExport
        fields = [
            "id",
            "url",
            "layer",
            "format",
            "filters",
            "bbox",
            "with_photos",
            "status",
            "status_label",
            "progress",
            "rows_total",
            "rows_written",
            "photos_total",
            "photos_written",
            "size",
            "error",
            "download_url",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
        ]
        read_only_fields = fields

    def get_url(self, export) -> str:
        return reverse("export-detail", args=[export.pk])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, export) -> str | None:
        return reverse("export-file", args=[export.pk]) if export.status == ExportStatus.READY else None


def known_filters() -> set[str]:
    return {name for layer in all_layers() for name in layer.filterset.base_filters}


class LayerExportRequestView(APIView):
    """Ask for an export of a layer in the background: the same layer, filters and bbox as the synchronous export
    (validated the same way: a 400 naming every bad value, before anything is stored), written for your scope when
    it runs. Poll the answer's `url` for its progress; its `download_url` appears once it is ready."""

    # A JSON body only: the filters are an object of lists, which a form cannot say.
    parser_classes = [parser for parser in api_settings.DEFAULT_PARSER_CLASSES if parser.media_type == JSON]

    @extend_schema(
        operation_id="layers_exports_create",
        parameters=[layer_parameter()],
        request=ExportRequestSerializer,
        responses={
            202: LayerExportSerializer,
            400: OpenApiResponse(description="A bad format, bbox or filter, or photos of a layer without any."),
            403: OpenApiResponse(description="A layer your role may not open (volunteers: the tasks)."),
            404: OpenApiResponse(description="No layer of that name."),
        },
    )
    def post(self, request, layer):
        found = open_layer(request, layer)
        incoming = ExportRequestSerializer(data=request.data)
        errors = {} if incoming.is_valid() else dict(incoming.errors)
        data = incoming.validated_data if not errors else {}
        filters = {name: [value for value in values if value] for name, values in data.get("filters", {}).items()}
        if unknown := sorted(set(filters) - known_filters()):
            errors["filters"] = [
                _("The layers have no filter named %(names)s; they filter by %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(sorted(known_filters()))}
            ]
        bbox = ""
        if value := data.get("bbox"):
            try:
                bbox = ",".join(repr(number) for number in parse_bbox(value).extent)
            except ValidationError as error:
                errors.update(error.detail)
        if data.get("with_photos") and found.photos is None:
            errors["with_photos"] = [
                _("The features of the layer “%(layer)s” have no photos: export it without them.")
                % {"layer": found.label}
            ]
        asking = SimpleNamespace(user=request.user, query_params=MultiValueDict(filters))
        layer_rows(asking, found, errors)  # raises the 400 with every message
        export = export_request(
            user=request.user,
            layer=found,
            format_name=data["format"],
            filters=filters,
            bbox=bbox,
            with_photos=data["with_photos"],
        )
        export.refresh_from_db()
        return Response(LayerExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class LayerExportListView(generics.ListAPIView):
    """Your layer exports, newest first, with their status and progress (an export past EXPORT_KEEP_DAYS is
    expired: its file is gone)."""

    serializer_class = LayerExportSerializer
    ordering_fields = ["created_at", "finished_at", "status", "layer", "format"]
    ordering = ["-created_at", "-pk"]
    filterset_fields = ["status", "layer", "format"]

    def get_queryset(self):
        exports = exports_for_user(self.request.user)
        exports_expire(exports)
        return exports


class LayerExportDetailView(generics.RetrieveAPIView):
    """One of your exports: status, progress, error, and `download_url` once ready."""

    serializer_class = LayerExportSerializer

    def get_queryset(self):
        return exports_for_user(self.request.user)

    def get_object(self):
        return expire_if_due(super().get_object())


class NotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "expired"


class LayerExportFileView(APIView):
    """The export's file (a zip with `photos/` and `manifest.csv` when asked with photos)."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatIsTheFile  # errors are JSON whatever a download's Accept says

    @extend_schema(
        operation_id="exports_file",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The file (Content-Disposition names it)."),
            404: OpenApiResponse(description="None of your exports has this id."),
            409: OpenApiResponse(
                description="Not ready: still waiting or being written (code `not_ready`), or failed."
            ),
            410: OpenApiResponse(description="Expired: the file was removed (code `expired`); export again."),
        },
    )
    def get(self, request, pk):
        export = expire_if_due(get_object_or_404(exports_for_user(request.user), pk=pk))
        if export.status == ExportStatus.EXPIRED:
            raise Gone(_("This export has expired and its file was removed: export again."))
        if export.status == ExportStatus.FAILED:
            raise NotReady(_("This export failed: %(error)s") % {"error": export.error})
        if export.status != ExportStatus.READY or not export.file:
            raise NotReady(_("This export is not ready yet (%(status)s).") % {"status": export.get_status_display()})
        media_type = ZIP if export.with_photos else FORMATS[export.format].media_type
        return FileResponse(
            export.file.open("rb"), as_attachment=True, filename=export_filename(export), content_type=media_type
        )
