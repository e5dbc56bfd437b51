"""What the Open311 endpoints read and write, in GeoReport v2's names.

Services are our problem types; a request is a citizen's report (``PublicReport``) and the finding it became: its
status is `closed` once its task is verified, closed or void, `open` before; `agency_responsible` names the unit
once the task is dispatched to it. Nothing about the reporter (name, e-mail, phone, device, account) is written.
"""

from django.contrib.gis.geos import Point
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from geo.outbound import OutboundRefused, vet_url
from inspections.models import ProblemType, PublicReport, Severity, TaskStatus

OPEN, CLOSED = "open", "closed"
CLOSED_STATUSES = frozenset({TaskStatus.VERIFIED, TaskStatus.CLOSED, TaskStatus.VOID})
SEVERITY = "severity"
FIRST_YEAR, LAST_YEAR = 1900, 2999  # the dates of the requests filters: no overflow at either end
DESCRIPTION_MAX = 4000  # GeoReport v2: "may be up to 4,000 characters"


def request_status(report: PublicReport) -> str:
    task = getattr(report.finding, "task", None)
    return CLOSED if task is not None and task.status in CLOSED_STATUSES else OPEN


class Open311ServiceSerializer(serializers.Serializer):
    service_code = serializers.CharField(source="code")
    service_name = serializers.CharField(source="display_name")
    description = serializers.SerializerMethodField()
    metadata = serializers.SerializerMethodField()
    type = serializers.SerializerMethodField()
    keywords = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField()

    def get_description(self, problem_type: ProblemType) -> str:
        return f"{problem_type.name} · {problem_type.name_en}"

    def get_metadata(self, problem_type: ProblemType) -> bool:
        return True

    def get_type(self, problem_type: ProblemType) -> str:
        return "realtime"

    def get_keywords(self, problem_type: ProblemType) -> str:
        return ",".join(category.code for category in problem_type.categories.all())

    def get_group(self, problem_type: ProblemType) -> str:
        return ""


class Open311AttributeValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class Open311AttributeSerializer(serializers.Serializer):
    variable = serializers.BooleanField()
    code = serializers.CharField()
    datatype = serializers.CharField()
    required = serializers.BooleanField()
    datatype_description = serializers.CharField(allow_blank=True)
    order = serializers.IntegerField()
    description = serializers.CharField()
    values = Open311AttributeValueSerializer(many=True)


class Open311ServiceDefinitionSerializer(serializers.Serializer):
    service_code = serializers.CharField()
    attributes = Open311AttributeSerializer(many=True)


def service_definition(problem_type: ProblemType) -> dict:
    """The attributes a report of this service may carry: how severe the reporter thinks it is."""
    return {
        "service_code": problem_type.code,
        "attributes": [
            {
                "variable": True,
                "code": SEVERITY,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "",
                "order": 1,
                "description": _("How severe is it? (default: %(default)s)")
                % {"default": Severity(problem_type.default_severity).label},
                "values": [{"key": value, "name": str(label)} for value, label in Severity.choices],
            }
        ],
    }


class Open311RequestSerializer(serializers.Serializer):
    service_request_id = serializers.UUIDField(source="finding_id")
    status = serializers.SerializerMethodField()
    status_notes = serializers.SerializerMethodField()
    service_name = serializers.CharField(source="finding.problem_type.display_name")
    service_code = serializers.CharField(source="finding.problem_type.code")
    description = serializers.CharField(source="finding.description")
    agency_responsible = serializers.SerializerMethodField()
    service_notice = serializers.SerializerMethodField()
    requested_datetime = serializers.DateTimeField(source="received_at")
    updated_datetime = serializers.SerializerMethodField()
    expected_datetime = serializers.SerializerMethodField()
    address = serializers.CharField(source="address_string")
    address_id = serializers.SerializerMethodField()
    zipcode = serializers.SerializerMethodField()
    lat = serializers.FloatField(source="finding.location.y")
    long = serializers.FloatField(source="finding.location.x")
    media_url = serializers.CharField()

    def _task(self, report: PublicReport):
        return getattr(report.finding, "task", None)

    def get_status(self, report: PublicReport) -> str:
        return request_status(report)

    def get_status_notes(self, report: PublicReport) -> str:
        task = self._task(report)
        return str(task.get_status_display()) if task is not None else ""

    def get_agency_responsible(self, report: PublicReport) -> str:
        task = self._task(report)
        if task is None or task.dispatched_at is None or task.unit is None:
            return ""
        return task.unit.display_name

    def get_service_notice(self, report: PublicReport) -> str:
        return ""

    def get_updated_datetime(self, report: PublicReport) -> str | None:
        task = self._task(report)
        return serializers.DateTimeField().to_representation(task.updated_at) if task is not None else None

    def get_expected_datetime(self, report: PublicReport) -> str | None:
        task = self._task(report)
        if task is None or task.due_at is None or request_status(report) == CLOSED:
            return None
        return serializers.DateTimeField().to_representation(task.due_at)

    def get_address_id(self, report: PublicReport) -> str:
        hotspot = report.hotspot
        return "" if hotspot is None else hotspot.external_id or str(hotspot.pk)

    def get_zipcode(self, report: PublicReport) -> str:
        return ""


class Open311CreatedSerializer(serializers.Serializer):
    service_request_id = serializers.UUIDField(source="finding_id")
    service_notice = serializers.SerializerMethodField()
    account_id = serializers.SerializerMethodField(help_text="Always null: nothing of the reporter is shown.")

    def get_service_notice(self, report: PublicReport) -> str:
        return _("Received: a manager will review it and send it to the unit responsible.")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_account_id(self, report: PublicReport) -> None:
        return None


class Open311DiscoveryEndpointSerializer(serializers.Serializer):
    specification = serializers.CharField()
    url = serializers.CharField()
    changeset = serializers.CharField()
    type = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())


class Open311DiscoverySerializer(serializers.Serializer):
    changeset = serializers.CharField()
    contact = serializers.CharField()
    key_service = serializers.CharField()
    endpoints = Open311DiscoveryEndpointSerializer(many=True)


# ---------------------------------------------------------------- reading


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class Open311RequestsQuerySerializer(serializers.Serializer):
    service_request_id = serializers.CharField(
        required=False, allow_blank=True, help_text="Ids separated by commas; given, the other filters are ignored."
    )
    service_code = serializers.CharField(required=False, allow_blank=True, help_text="Codes separated by commas.")
    start_date = serializers.DateTimeField(required=False, help_text="Received at or after (w3c date and time).")
    end_date = serializers.DateTimeField(required=False, help_text="Received at or before (w3c date and time).")
    status = serializers.CharField(required=False, allow_blank=True, help_text="open, closed, or both.")

    def validate_service_request_id(self, value: str) -> list[str]:
        ids = _list(value)
        field = serializers.UUIDField()
        for item in ids:
            try:
                field.to_internal_value(item)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError(_("“%(id)s” is not a request id.") % {"id": item[:40]}) from exc
        return ids

    def validate_service_code(self, value: str) -> list[str]:
        return _list(value)

    def validate_status(self, value: str) -> list[str]:
        statuses = _list(value.lower())
        wrong = [item for item in statuses if item not in (OPEN, CLOSED)]
        if wrong:
            raise serializers.ValidationError(_("A status is open or closed, not “%(status)s”.") % {"status": wrong[0]})
        return statuses

    def _in_range(self, value):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise serializers.ValidationError(
                _("A date lies between the years %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return value

    def validate_start_date(self, value):
        return self._in_range(value)

    def validate_end_date(self, value):
        return self._in_range(value)

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": _("The end_date is before the start_date.")})
        return attrs


# ---------------------------------------------------------------- posting


class MediaURLField(serializers.URLField):
    """Stored as given, never fetched; refused when it points into the server's own or internal network, so that
    the public list never carries a link there."""

    default_error_messages = {"invalid": gettext_lazy("Enter an http:// or https:// address.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [validator for validator in self.validators if not isinstance(validator, URLValidator)] + [
            URLValidator(schemes=["http", "https"], message=self.error_messages["invalid"])
        ]

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            vet_url(value, resolve=False)
        except OutboundRefused as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value


class Open311RequestInputSerializer(serializers.Serializer):
    api_key = serializers.CharField(help_text="The client's key (`manage.py open311_apikey <client name>`).")
    service_code = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ProblemType.objects.filter(active=True),
        error_messages={"does_not_exist": gettext_lazy("No service has the code “{value}”: see services.json.")},
    )
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, min_value=-180, max_value=180)
    address_string = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="Without lat/long: the address or name of one of the district's hotspots, which places the report.",
    )
    address_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Without lat/long: a hotspot's external id (or id), which places the report.",
    )
    email = serializers.EmailField(required=False, allow_blank=True, help_text="Kept for the managers, never shown.")
    device_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    account_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    description = serializers.CharField(required=False, allow_blank=True, max_length=DESCRIPTION_MAX)
    media_url = MediaURLField(required=False, allow_blank=True, max_length=1000)
    media = serializers.FileField(
        required=False, help_text="A photo (multipart/form-data), checked like the inspectors' photos."
    )
    attribute = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="attribute[severity]=minor|major|severe (see the service's definition).",
    )

    def validate_attribute(self, value: dict) -> dict:
        unknown = sorted(set(value) - {SEVERITY})
        if unknown:
            raise serializers.ValidationError(
                _("attribute[%(code)s] is not an attribute of this service.") % {"code": unknown[0][:40]}
            )
        if SEVERITY in value and value[SEVERITY] not in Severity.values:
            raise serializers.ValidationError(
                _("attribute[severity] is one of %(values)s.") % {"values": ", ".join(Severity.values)}
            )
        return value

    def validate(self, attrs):
        has_lat, has_long = attrs.get("lat") is not None, attrs.get("long") is not None
        if has_lat != has_long:
            raise serializers.ValidationError({"lat/long": _("Send both lat and long, or neither.")})
        if not has_lat and not attrs.get("address_string") and not attrs.get("address_id"):
            raise serializers.ValidationError(
                {"lat/long": _("Send where the problem is: lat and long, an address_string or an address_id.")}
            )
        return attrs

    def location(self) -> Point | None:
        data = self.validated_data
        if data.get("lat") is None:
            return None
        return Point(data["long"], data["lat"], srid=4326)
