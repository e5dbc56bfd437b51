"""The GeoReport v2 endpoints: anyone reads; a client with an API key posts reports (limited per key and address)."""

import datetime as dt

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.evidence.public_reports import ReportInput, public_report_submit, reporting_client_for_key
from inspections.models import ProblemType
from inspections.open311 import errors
from inspections.open311.formats import Open311JSONRenderer, Open311XMLRenderer
from inspections.open311.serializers import (
    CLOSED,
    CLOSED_STATUSES,
    OPEN,
    SEVERITY,
    Open311CreatedSerializer,
    Open311DiscoverySerializer,
    Open311RequestInputSerializer,
    Open311RequestSerializer,
    Open311RequestsQuerySerializer,
    Open311ServiceDefinitionSerializer,
    Open311ServiceSerializer,
    service_definition,
)
from inspections.open311.throttling import PerAddressThrottle, PerKeyThrottle
from inspections.selectors import public_reports

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00Z"
DEFAULT_DAYS = 90  # GeoReport v2: without dates, the last 90 days
MAX_REQUESTS = 1000  # GeoReport v2: at most 1000 requests in one answer
IDEMPOTENCY_KEY = "Idempotency-Key"

FORMAT = OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["json", "xml"], description="The answer's format.")
NO_FORMAT_QUERY = OpenApiParameter("format", exclude=True)  # the format is the path's suffix
TAG = ["open311"]


def _list_parameter(name: str, items: dict, description: str) -> OpenApiParameter:
    schema = {"type": "array", "items": items}
    return OpenApiParameter(name, schema, style="form", explode=False, description=description)


QUERY = [
    _list_parameter(
        "service_request_id",
        {"type": "string", "format": "uuid"},
        "Ids separated by commas; given, the other filters are ignored.",
    ),
    _list_parameter("service_code", {"type": "string"}, "Service codes separated by commas."),
    OpenApiParameter("start_date", OpenApiTypes.DATETIME, description="Received at or after (w3c, 1900–2999)."),
    OpenApiParameter("end_date", OpenApiTypes.DATETIME, description="Received at or before (w3c, 1900–2999)."),
    _list_parameter("status", {"type": "string", "enum": ["open", "closed"]}, "open, closed, or both."),
]


def _errors(description: str) -> OpenApiResponse:
    """An error answer; its body (Open311's list of errors) is documented by `config.openapi`."""
    return OpenApiResponse(description=description)


class Open311View(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    xml_root = "response"

    def get_format_suffix(self, **kwargs):
        # The format is the path's suffix, named `fmt`: DRF's schema generation skips paths ending in `.{format}`.
        return kwargs.get("fmt") or "json"

    def get_exception_handler(self):
        return errors.exception_handler


class DiscoveryView(Open311View):
    xml_root = "discovery"

    @extend_schema(
        tags=TAG,
        summary="GeoReport v2 discovery",
        parameters=[FORMAT, NO_FORMAT_QUERY],
        responses={200: Open311DiscoverySerializer},
    )
    def get(self, request, fmt):
        url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "json"})).rsplit("/", 1)[0]
        data = {
            "changeset": CHANGESET,
            "contact": _("The district's campaign office (创建办)."),
            "key_service": _("Ask an administrator for an API key (manage.py open311_apikey <client name>)."),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url + "/",
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        }
        return Response(Open311DiscoverySerializer(data).data)


def _services():
    return ProblemType.objects.filter(active=True).prefetch_related("categories")


class ServiceListView(Open311View):
    xml_root = "services"

    @extend_schema(
        tags=TAG,
        summary="Services: the kinds of problem a citizen can report",
        parameters=[FORMAT, NO_FORMAT_QUERY],
        responses={200: Open311ServiceSerializer(many=True)},
    )
    def get(self, request, fmt):
        return Response(Open311ServiceSerializer(_services(), many=True).data)


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    @extend_schema(
        tags=TAG,
        summary="A service's definition: the attributes a report may carry",
        parameters=[FORMAT, NO_FORMAT_QUERY],
        responses={200: Open311ServiceDefinitionSerializer, 404: _errors("No active service has this code.")},
    )
    def get(self, request, service_code, fmt):
        problem_type = get_object_or_404(_services(), code=service_code)
        return Response(Open311ServiceDefinitionSerializer(service_definition(problem_type)).data)


def _filtered(query: dict):
    reports = public_reports()
    if query.get("service_request_id"):
        return reports.filter(finding_id__in=query["service_request_id"])
    if query.get("service_code"):
        reports = reports.filter(finding__problem_type__code__in=query["service_code"])
    end = query.get("end_date")
    start = query.get("start_date")
    if start is None:
        start = (end or timezone.now()) - dt.timedelta(days=DEFAULT_DAYS)
    reports = reports.filter(received_at__gte=start)
    if end is not None:
        reports = reports.filter(received_at__lte=end)
    statuses = set(query.get("status") or [])
    closed = Q(finding__task__status__in=CLOSED_STATUSES)
    if statuses == {OPEN}:
        reports = reports.exclude(closed)
    elif statuses == {CLOSED}:
        reports = reports.filter(closed)
    return reports


class RequestListView(Open311View):
    xml_root = "service_requests"
    parser_classes = [FormParser, MultiPartParser]
    throttle_classes = [PerAddressThrottle, PerKeyThrottle]

    @extend_schema(
        tags=TAG,
        summary="Citizens' reports (at most 1000, newest first; without dates, the last 90 days)",
        parameters=[FORMAT, NO_FORMAT_QUERY, *QUERY],
        responses={200: Open311RequestSerializer(many=True), 400: _errors("A filter that cannot be read.")},
    )
    def get(self, request, fmt):
        query = Open311RequestsQuerySerializer(data={k: v for k, v in request.query_params.items() if v != ""})
        query.is_valid(raise_exception=True)
        reports = _filtered(query.validated_data).order_by("-received_at", "pk")[:MAX_REQUESTS]
        return Response(Open311RequestSerializer(reports, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Report a problem",
        description=(
            "Form-encoded (or multipart/form-data with a photo in `media`). The report becomes a finding routed by "
            "its place and waiting for a manager's triage. Send `Idempotency-Key` (any string up to 100 "
            "characters) to make a retry safe: the same key answers the same request (200) instead of a second "
            "one. The reporter's e-mail, name, phone, device and account id are kept for the managers and never "
            "shown. `media_url` is stored, never fetched."
        ),
        parameters=[
            FORMAT,
            NO_FORMAT_QUERY,
            OpenApiParameter(IDEMPOTENCY_KEY, str, OpenApiParameter.HEADER, required=False),
        ],
        request={
            "application/x-www-form-urlencoded": Open311RequestInputSerializer,
            "multipart/form-data": Open311RequestInputSerializer,
        },
        responses={
            201: Open311CreatedSerializer(many=True),
            200: OpenApiResponse(
                Open311CreatedSerializer(many=True), description="A replay: the request already made."
            ),
            400: _errors("Bad input, a place outside the district, or a refused photo: nothing is stored."),
            403: _errors("No api_key, or one that is not (or no longer) valid."),
            413: _errors("A photo too large."),
            415: _errors("A photo of a type that is not read, or a body that is not a form."),
            429: _errors("Too many reports from this key or address: wait `Retry-After` seconds."),
            503: _errors("No campaign phase is running, or the database is busy: send it again later."),
        },
    )
    def post(self, request, fmt):
        fields, attributes = {}, {}
        for name in request.data:
            if name.startswith("attribute[") and name.endswith("]"):
                attributes[name[len("attribute[") : -1]] = request.data.get(name)
            elif request.data.get(name) not in ("", None):  # an empty parameter is one not sent
                fields[name] = request.data.get(name)
        if attributes:
            fields["attribute"] = attributes
        client = reporting_client_for_key(str(fields.get("api_key") or ""))
        if client is None:
            raise PermissionDenied(_("The api_key is missing or not valid."))
        serializer = Open311RequestInputSerializer(data=fields)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        name = " ".join(part for part in (data.get("first_name", ""), data.get("last_name", "")) if part)
        report, created = public_report_submit(
            client=client,
            data=ReportInput(
                problem_type=data["service_code"],
                location=serializer.location(),
                description=data.get("description", ""),
                severity=data.get("attribute", {}).get(SEVERITY, ""),
                address_string=data.get("address_string", ""),
                address_id=data.get("address_id", ""),
                media_url=data.get("media_url", ""),
                photo=data.get("media"),
                attributes=data.get("attribute", {}),
                reporter_name=name,
                reporter_email=data.get("email", ""),
                reporter_phone=data.get("phone", ""),
                device_id=data.get("device_id", ""),
                account_id=data.get("account_id", ""),
                client_key=(request.headers.get(IDEMPOTENCY_KEY) or "")[:100],
            ),
        )
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(Open311CreatedSerializer([report], many=True).data, status=answer)


class RequestDetailView(Open311View):
    xml_root = "service_requests"

    @extend_schema(
        tags=TAG,
        summary="One report",
        parameters=[
            FORMAT,
            NO_FORMAT_QUERY,
            OpenApiParameter("service_request_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
        ],
        responses={200: Open311RequestSerializer(many=True), 404: _errors("No report has this id.")},
    )
    def get(self, request, service_request_id, fmt):
        report = get_object_or_404(public_reports(), finding_id=service_request_id)
        return Response(Open311RequestSerializer([report], many=True).data)
