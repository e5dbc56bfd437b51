import django_filters
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.api.filters import BooleanFilter
from inspections.api.filters import FindingFilter, InspectionFilter
from inspections.api.serializers import (
    CampaignSerializer,
    FindingSerializer,
    InspectionInputSerializer,
    InspectionSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    ProblemTypeSerializer,
    device_position,
)
from inspections.evidence.inspections import inspection_submit
from inspections.evidence.photos import Upload, photo_upload
from inspections.evidence.uploads import (
    Chunk,
    UploadOffsetMismatch,
    parse_content_range,
    photo_chunk_append,
    read_chunk,
    upload_id_taken,
    upload_offset,
)
from inspections.models import Campaign, Photo, PhotoRole, ProblemType
from inspections.selectors import findings_for_user, inspections_for_user, photos_for_user

PHOTOS = Prefetch("photos", queryset=Photo.objects.select_related("file").prefetch_related("flags"))


class ProblemTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The problem catalogue, with the hotspot categories where each is looked for. `?category=<code>` narrows."""

    serializer_class = ProblemTypeSerializer
    pagination_class = None
    ordering_fields = ["code", "name", "sort_order", "default_severity"]
    lookup_field = "code"

    def get_queryset(self):
        qs = ProblemType.objects.filter(active=True).prefetch_related("categories")
        category = self.request.query_params.get("category")
        return qs.filter(categories__code=category) if category else qs


class CampaignFilter(django_filters.FilterSet):
    current = BooleanFilter(
        method="filter_current",
        help_text="`true`: the active campaigns with a phase whose window contains today's date on the server (in "
        "the district's time zone); `false`: the others. Each campaign's `current_phase` names that phase.",
    )

    class Meta:
        model = Campaign
        fields = []

    def filter_current(self, queryset, name, value):
        today = timezone.localdate()
        running = Campaign.objects.filter(active=True, phases__starts_on__lte=today, phases__ends_on__gte=today)
        pks = running.values("pk")
        return queryset.filter(pk__in=pks) if value else queryset.exclude(pk__in=pks)


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Campaigns with their phases (self-inspection, cross inspection, mock evaluation, acceptance), and the phase
    running today by the server's date (`current_phase`). The tablet asks `?current=true` for the phase it records
    inspections in, rather than trusting its own clock."""

    serializer_class = CampaignSerializer
    pagination_class = None
    filterset_class = CampaignFilter
    ordering_fields = ["name", "starts_on", "ends_on"]
    queryset = Campaign.objects.prefetch_related("phases")


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections with their findings. POST is idempotent on the client's `id`: 201 created, 200 already stored."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter
    ordering_fields = ["started_at", "ended_at", "received_at", "deduction"]

    def get_queryset(self):
        return inspections_for_user(self.request.user).prefetch_related(
            Prefetch("findings", queryset=findings_for_user(self.request.user).prefetch_related(PHOTOS))
        )

    @extend_schema(
        request={"application/json": InspectionInputSerializer},
        responses={
            201: InspectionSerializer,
            200: OpenApiResponse(InspectionSerializer, description="That id was already stored: the stored record."),
            400: OpenApiResponse(
                description="Bad fields; a finding outside the caller's area or farther than "
                "FINDING_MAX_DISTANCE_FROM_HOTSPOT_M from the inspected hotspot; more findings or larger answers "
                "than the limits shown on the request. Nothing is stored."
            ),
            409: OpenApiResponse(description="The id belongs to someone else's inspection or finding."),
        },
    )
    def create(self, request, *args, **kwargs):
        payload = InspectionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        inspection, created = inspection_submit(user=request.user, data=payload.to_input())
        stored = self.get_queryset().get(pk=inspection.pk)
        return Response(
            self.get_serializer(stored).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """Findings with their photos, flags and the unit they were routed to."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["created_at", "severity"]

    def get_queryset(self):
        return findings_for_user(self.request.user).prefetch_related(PHOTOS)


RAW_CHUNK = "application/octet-stream"


def photo_target(user, data: dict):
    """(inspection, finding) a photo belongs to: a finding, or an inspection itself (a checklist photo question)."""
    if data.get("finding"):
        finding = findings_for_user(user).select_related("inspection").filter(pk=data["finding"]).first()
        if finding is None:
            raise NotFound(
                _(
                    "Finding %(id)s is not on the server, or not yours to see: its inspection or the finding itself "
                    "must be stored (synced) before its photos."
                )
                % {"id": data["finding"]}
            )
        if data.get("inspection") and data["inspection"] != finding.inspection_id:
            raise serializers.ValidationError({"inspection": [_("This finding belongs to another inspection.")]})
        return finding.inspection, finding
    if data.get("inspection"):
        inspection = inspections_for_user(user).filter(pk=data["inspection"]).first()
        if inspection is None:
            raise NotFound(
                _("Inspection %(id)s is not on the server, or not yours to see: it must be stored before its photos.")
                % {"id": data["inspection"]}
            )
        return inspection, None
    raise serializers.ValidationError(
        {"finding": [_("Name the finding, or the inspection for a photo of the inspection itself.")]}
    )


class PhotoChunkParser(BaseParser):
    """A chunk of a resumable photo upload: the raw request body, refused unread past the chunk limit."""

    media_type = RAW_CHUNK

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        try:
            return read_chunk(stream, request.META.get("CONTENT_LENGTH"))
        except OSError as error:  # the client went away in the middle of the body
            raise ParseError(_("The chunk was cut short; ask for the offset and send it again.")) from error


class PhotoChunkQuerySerializer(serializers.Serializer):
    finding = serializers.UUIDField(required=False, allow_null=True)
    inspection = serializers.UUIDField(required=False, allow_null=True, help_text="For a photo of the inspection.")
    role = serializers.ChoiceField(choices=PhotoRole.choices, default=PhotoRole.BEFORE)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    accuracy = serializers.FloatField(required=False, min_value=0)

    def validate(self, data):
        return device_position(data)


UPLOAD_OFFSET = "Upload-Offset"
UPLOAD_LENGTH = "Upload-Length"
CHUNK_PROGRESS = inline_serializer(
    "PhotoChunkProgress", {"received": serializers.IntegerField(), "total": serializers.IntegerField()}
)
OFFSET_CONFLICT = inline_serializer(
    "PhotoChunkOffsetConflict",
    {
        "detail": serializers.CharField(),
        "offset": serializers.IntegerField(),
        "total": serializers.IntegerField(allow_null=True),
    },
)
PUT_DESCRIPTION = """Store an evidence photo under the client's UUID. Two modes:

**Multipart** (`multipart/form-data`: `file`, `finding`, `role`), for small files: 201 the first time, 200 with
the same body on a replay.

Both modes take the device's position when the photo was taken (`lon`, `lat`, `accuracy` in metres: form fields,
or query parameters in resumable mode). It stands in for the photo's own GPS where the photo has none, e.g. when
a fix is submitted inside the task's geofence.

**Resumable** (`application/octet-stream`), for large files or poor connections: the body is one chunk of the
file, `?finding=<uuid>&role=before|after` say where it belongs and `Content-Range: bytes <start>-<end>/<total>`
which bytes it holds (end inclusive). A chunk must start at the current offset: one already received is
acknowledged again and never appended twice; one starting later is refused with 409 and the offset (body and
`Upload-Offset` header). Until the last byte the answer is 202 `{"received", "total"}`; with it the photo is
processed exactly as in multipart mode: 201 with the photo, and 200 with the same photo for any chunk sent again.
Chunks are at most 8 MiB (setting `PHOTO_CHUNK_MAX_BYTES`); the total must respect the photo size limit.

`HEAD` on the same URL answers 200 with `Upload-Offset: <bytes received>` and `Upload-Length: <total>` (both the
whole size for a stored photo): send the rest from that offset. When nothing was received yet under this id (by
you), it answers 200 with `Upload-Offset: 0` and no `Upload-Length`: start from the first byte (not an error
status, which browsers would log before every upload). An id another person uploads under answers 404.
Unfinished uploads are removed after 24 h (`manage.py purge_photo_uploads`)."""


class PhotoView(APIView):
    """`PUT` a photo under the client's UUID, whole (multipart) or in chunks (resumable); `HEAD` tells how much of
    it was received; `GET` reads it."""

    parser_classes = [MultiPartParser, FormParser, PhotoChunkParser]

    def _visible(self, request, pk):
        return get_object_or_404(photos_for_user(request.user).prefetch_related("flags"), pk=pk)

    @extend_schema(responses=PhotoSerializer)
    def get(self, request, pk):
        return Response(PhotoSerializer(self._visible(request, pk), context={"request": request}).data)

    def head(self, request, pk):
        """`Upload-Offset`: the bytes received of this photo (the whole size once it is stored), 0 when none yet."""
        photo = photos_for_user(request.user).filter(pk=pk).first()
        if photo is not None:
            received = total = photo.file.size
        else:
            progress = upload_offset(user=request.user, photo_id=pk)
            if progress is None:
                if upload_id_taken(photo_id=pk):
                    raise Http404  # another person's photo or upload: not yours to resume
                # Nothing yet is an ordinary answer of the protocol, not an error: start from byte 0.
                return Response(status=status.HTTP_200_OK, headers={UPLOAD_OFFSET: "0", "Cache-Control": "no-store"})
            received, total = progress
        headers = {UPLOAD_OFFSET: str(received), UPLOAD_LENGTH: str(total), "Cache-Control": "no-store"}
        return Response(status=status.HTTP_200_OK, headers=headers)

    @extend_schema(
        description=PUT_DESCRIPTION,
        request={"multipart/form-data": PhotoUploadSerializer, RAW_CHUNK: OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(
                "finding", OpenApiTypes.UUID, OpenApiParameter.QUERY, description="Resumable mode: the finding."
            ),
            OpenApiParameter(
                "role",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=PhotoRole.values,
                description="Resumable mode: before (the problem, default) or after (the fix).",
            ),
            OpenApiParameter(
                "Content-Range",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Resumable mode: bytes <start>-<end>/<total> of this chunk (end inclusive).",
            ),
            OpenApiParameter(
                UPLOAD_OFFSET,
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[200, 201, 202, 409],
                description="Resumable mode: the bytes received so far, where the next chunk must start.",
            ),
        ],
        responses={
            201: PhotoSerializer,
            200: OpenApiResponse(PhotoSerializer, description="Replay: this photo was already stored."),
            202: OpenApiResponse(CHUNK_PROGRESS, description="Resumable mode: chunk received; more to come."),
            400: OpenApiResponse(description="Corrupt image, bad fields, or a Content-Range that is wrong."),
            403: OpenApiResponse(description="You cannot add this kind of photo to this finding."),
            404: OpenApiResponse(description="No such finding for you."),
            409: OpenApiResponse(
                OFFSET_CONFLICT,
                description="This photo id is stored with another file, finding or role; or (resumable mode) "
                "the chunk does not start at the offset (which is given), or declares another total.",
            ),
            413: OpenApiResponse(
                description="Too many bytes or pixels, or a chunk too large; the message gives the limit and the value."
            ),
            415: OpenApiResponse(description="Not a JPEG, PNG, WebP or HEIC image."),
        },
    )
    def put(self, request, pk):
        if request.content_type.partition(";")[0].strip().lower() == RAW_CHUNK:
            return self._put_chunk(request, pk)
        payload = PhotoUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        inspection, finding = photo_target(request.user, payload.validated_data)
        upload = Upload(
            id=pk,
            inspection=inspection,
            finding=finding,
            role=payload.validated_data["role"],
            file=payload.validated_data["file"],
            position=payload.validated_data["position"],
            accuracy_m=payload.validated_data["accuracy_m"],
        )
        photo, created = photo_upload(user=request.user, upload=upload)
        return self._photo_response(request, photo, created)

    def _put_chunk(self, request, pk):
        query = PhotoChunkQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        content_range = parse_content_range(request.headers.get("Content-Range"))
        inspection, finding = photo_target(request.user, query.validated_data)
        data = request.data
        chunk = Chunk(
            photo_id=pk,
            inspection=inspection,
            finding=finding,
            role=query.validated_data["role"],
            range=content_range,
            data=data if isinstance(data, bytes) else b"",
            position=query.validated_data["position"],
            accuracy_m=query.validated_data["accuracy_m"],
        )
        try:
            result = photo_chunk_append(user=request.user, chunk=chunk)
        except UploadOffsetMismatch as error:
            return Response(
                {"detail": error.message, "code": "offset_mismatch", "offset": error.offset, "total": error.total},
                status=status.HTTP_409_CONFLICT,
                headers={UPLOAD_OFFSET: str(error.offset)},
            )
        if not result.complete:
            return Response(
                {"received": result.received, "total": result.total},
                status=status.HTTP_202_ACCEPTED,
                headers={UPLOAD_OFFSET: str(result.received)},
            )
        return self._photo_response(request, result.photo, result.created, headers={UPLOAD_OFFSET: str(result.total)})

    def _photo_response(self, request, photo, created, headers=None):
        photo = Photo.objects.select_related("file").prefetch_related("flags").get(pk=photo.pk)
        return Response(
            PhotoSerializer(photo, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers=headers,
        )


VARIANTS = ("original", "display", "thumbnail")


class PhotoFileView(APIView):
    """The original (byte for byte), the watermarked display copy or the thumbnail, for those who may see it."""

    @extend_schema(
        operation_id="photos_file_retrieve",
        parameters=[OpenApiParameter("variant", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(VARIANTS))],
        responses={(200, "image/*"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk, variant):
        photo = get_object_or_404(photos_for_user(request.user), pk=pk)
        field = {"original": photo.file.original, "display": photo.display, "thumbnail": photo.thumbnail}.get(variant)
        if field is None:
            raise Http404
        content_type = photo.file.mime_type if variant == "original" else "image/jpeg"
        response = FileResponse(field.open("rb"), content_type=content_type)
        response["Cache-Control"] = "private, max-age=86400"
        return response
