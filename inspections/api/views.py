from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.api.filters import FindingFilter, InspectionFilter
from inspections.api.serializers import (
    CampaignSerializer,
    FindingSerializer,
    InspectionInputSerializer,
    InspectionSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    ProblemTypeSerializer,
)
from inspections.models import Campaign, Photo, ProblemType
from inspections.selectors import findings_for_user, inspections_for_user, photos_for_user
from inspections.services.inspections import inspection_submit
from inspections.services.photos import Upload, photo_upload

PHOTOS = Prefetch("photos", queryset=Photo.objects.select_related("file").prefetch_related("flags"))


class ProblemTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The problem catalogue, with the hotspot categories where each is looked for. `?category=<code>` narrows."""

    serializer_class = ProblemTypeSerializer
    pagination_class = None
    lookup_field = "code"

    def get_queryset(self):
        qs = ProblemType.objects.filter(active=True).prefetch_related("categories")
        category = self.request.query_params.get("category")
        return qs.filter(categories__code=category) if category else qs


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Campaigns with their phases (self-inspection, cross inspection, mock evaluation, acceptance)."""

    serializer_class = CampaignSerializer
    pagination_class = None
    queryset = Campaign.objects.prefetch_related("phases")


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections with their findings. POST is idempotent on the client's `id`: 201 created, 200 already stored."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def get_queryset(self):
        return inspections_for_user(self.request.user).prefetch_related(
            Prefetch("findings", queryset=findings_for_user(self.request.user).prefetch_related(PHOTOS))
        )

    @extend_schema(
        request=InspectionInputSerializer,
        responses={
            201: InspectionSerializer,
            200: OpenApiResponse(InspectionSerializer, description="That id was already stored: the stored record."),
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

    def get_queryset(self):
        return findings_for_user(self.request.user).prefetch_related(PHOTOS)


class PhotoView(APIView):
    """`PUT` a photo (multipart) under the client's UUID: 201 the first time, 200 with the same body on a replay."""

    parser_classes = [MultiPartParser, FormParser]

    def _visible(self, request, pk):
        return get_object_or_404(photos_for_user(request.user).prefetch_related("flags"), pk=pk)

    @extend_schema(responses=PhotoSerializer)
    def get(self, request, pk):
        return Response(PhotoSerializer(self._visible(request, pk), context={"request": request}).data)

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={
            201: PhotoSerializer,
            200: OpenApiResponse(PhotoSerializer, description="Replay: this photo was already stored."),
            400: OpenApiResponse(description="Corrupt image or bad fields."),
            404: OpenApiResponse(description="No such finding for you."),
            409: OpenApiResponse(description="This photo id is stored with another file, finding or role."),
            413: OpenApiResponse(description="Too many bytes or pixels; the message gives the limit and the value."),
            415: OpenApiResponse(description="Not a JPEG, PNG, WebP or HEIC image."),
        },
    )
    def put(self, request, pk):
        payload = PhotoUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        finding = get_object_or_404(findings_for_user(request.user), pk=payload.validated_data["finding"])
        upload = Upload(
            id=pk, finding=finding, role=payload.validated_data["role"], file=payload.validated_data["file"]
        )
        photo, created = photo_upload(user=request.user, upload=upload)
        photo = Photo.objects.select_related("file").prefetch_related("flags").get(pk=photo.pk)
        return Response(
            PhotoSerializer(photo, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PhotoFileView(APIView):
    """The original (byte for byte), the watermarked display copy or the thumbnail, for those who may see it."""

    @extend_schema(operation_id="photos_file_retrieve", responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request, pk, variant):
        photo = get_object_or_404(photos_for_user(request.user), pk=pk)
        field = {"original": photo.file.original, "display": photo.display, "thumbnail": photo.thumbnail}.get(variant)
        if field is None:
            raise Http404
        content_type = photo.file.mime_type if variant == "original" else "image/jpeg"
        response = FileResponse(field.open("rb"), content_type=content_type)
        response["Cache-Control"] = "private, max-age=86400"
        return response
