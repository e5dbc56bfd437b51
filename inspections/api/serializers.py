import uuid

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from geo.models import Hotspot, Unit
from geo.validation import clean_point
from inspections.api.contract import (
    MAX_DESCRIPTION,
    MAX_FINDINGS,
    MAX_FREE_ANSWERS,
    MAX_LAT,
    MAX_LON,
    MAX_MOVE_PHOTOS,
    MAX_NOTE,
    MIN_ACCURACY,
    MIN_LAT,
    MIN_LON,
    answers_size,
    is_free_answers,
)
from inspections.evidence.inspections import FindingInput, InspectionInput
from inspections.models import Campaign, Finding, Inspection, Phase, Photo, PhotoRole, ProblemType, Severity
from inspections.rectification.tasks import MoveInput
from inspections.rectification.timing import DeviceClock, clock_offset
from inspections.rectification.workflow import PUBLIC_ACTIONS
from inspections.reporting.scores import inspection_score
from inspections.web.presenters import photo_urls


class ProblemTypeSerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = ProblemType
        fields = ["code", "name", "name_en", "categories", "default_severity"]


class PhaseSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Phase
        fields = ["id", "kind", "kind_display", "starts_on", "ends_on", "checklist_version"]


class CampaignSerializer(serializers.ModelSerializer):
    phases = PhaseSerializer(many=True, read_only=True)
    current_phase = serializers.SerializerMethodField(
        help_text="The phase whose window contains today's date on the server, if the campaign is active."
    )

    class Meta:
        model = Campaign
        fields = ["id", "name", "name_en", "description", "starts_on", "ends_on", "active", "phases", "current_phase"]

    @extend_schema_field(PhaseSerializer(allow_null=True))
    def get_current_phase(self, campaign):
        if not campaign.active:
            return None
        today = timezone.localdate()
        running = [phase for phase in campaign.phases.all() if phase.starts_on <= today <= phase.ends_on]
        return PhaseSerializer(running[0]).data if running else None


class ClientUUIDField(serializers.UUIDField):
    """A UUID the client generated, written as text. DRF's field also reads a JSON integer as a UUID's 128 bits,
    which would turn `"id": 1` into an id and store it."""

    def to_internal_value(self, data):
        if not isinstance(data, str | uuid.UUID):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class LonLatSerializer(serializers.Serializer):
    lon = serializers.FloatField(min_value=MIN_LON, max_value=MAX_LON)
    lat = serializers.FloatField(min_value=MIN_LAT, max_value=MAX_LAT)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        return Point(values["lon"], values["lat"], srid=4326)

    def to_representation(self, point):
        return {"lon": point.x, "lat": point.y}


class PositionSerializer(serializers.Serializer):
    """The device position: {"lon", "lat", "accuracy" (metres)} → (Point, accuracy)."""

    lon = serializers.FloatField(min_value=MIN_LON, max_value=MAX_LON)
    lat = serializers.FloatField(min_value=MIN_LAT, max_value=MAX_LAT)
    accuracy = serializers.FloatField(min_value=MIN_ACCURACY, required=False, allow_null=True, help_text="metres")

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        return Point(values["lon"], values["lat"], srid=4326), values.get("accuracy")


class BoundedListSerializer(serializers.ListSerializer):
    """A list of nested items whose `max_length` the OpenAPI schema shows as maxItems (drf-spectacular reads a
    list's bound from its validators only; the bound itself is checked before the items are read)."""

    def get_validators(self):
        bound = [MaxLengthValidator(self.max_length)] if self.max_length is not None else []
        return [*super().get_validators(), *bound]


class FindingInputSerializer(serializers.Serializer):
    id = ClientUUIDField()
    problem_type = serializers.SlugRelatedField(slug_field="code", queryset=ProblemType.objects.filter(active=True))
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=MAX_DESCRIPTION)
    location = LonLatSerializer(required=False, allow_null=True, help_text="Defaults to the hotspot.")

    class Meta:
        list_serializer_class = BoundedListSerializer

    @staticmethod
    def finding_input(data: dict) -> FindingInput:
        """The service input of one finding's validated data."""
        return FindingInput(
            id=data["id"],
            problem_type=data["problem_type"],
            severity=data.get("severity", ""),
            description=data.get("description", ""),
            location=data.get("location"),
        )


class InspectionInputSerializer(serializers.Serializer):
    id = ClientUUIDField(help_text="Generated by the client; replays answer 200 with the stored record.")
    hotspot = serializers.PrimaryKeyRelatedField(queryset=Hotspot.objects.all(), required=False, allow_null=True)
    phase = serializers.PrimaryKeyRelatedField(queryset=Phase.objects.select_related("campaign"))
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    location = LonLatSerializer(required=False, allow_null=True, help_text="For a free inspection without hotspot.")
    position = PositionSerializer(required=False, allow_null=True, help_text="Device position and its accuracy.")
    answers = serializers.JSONField(
        required=False,
        help_text=f"Question → answer. Without a checklist version at most {MAX_FREE_ANSWERS} characters as compact "
        "JSON.",
    )
    findings = FindingInputSerializer(
        many=True,
        required=False,
        max_length=MAX_FINDINGS,
        error_messages={
            "max_length": gettext_lazy(
                "An inspection may carry at most {max_length} findings; record the others in another inspection."
            )
        },
        help_text="Each must lie in the caller's area and, for an inspection of a hotspot, within "
        "FINDING_MAX_DISTANCE_FROM_HOTSPOT_M of it.",
    )

    def validate_answers(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("The answers must be an object of question → answer."))
        return value

    def validate(self, attrs):
        answers = attrs.get("answers")
        if answers and attrs.get("checklist_version") is None and not is_free_answers(answers):
            raise serializers.ValidationError(
                {
                    "answers": _(
                        "Answers without a checklist version may take at most %(max)d characters; these take %(size)d."
                    )
                    % {"max": MAX_FREE_ANSWERS, "size": answers_size(answers)}
                }
            )
        return attrs

    def to_input(self) -> InspectionInput:
        data = self.validated_data
        position, accuracy = data.get("position") or (None, None)
        return InspectionInput(
            id=data["id"],
            phase=data["phase"],
            started_at=data["started_at"],
            hotspot=data.get("hotspot"),
            ended_at=data.get("ended_at"),
            location=data.get("location"),
            position=position,
            accuracy_m=accuracy,
            answers=data.get("answers") or {},
            findings=[FindingInputSerializer.finding_input(item) for item in data.get("findings", [])],
        )


class TransitionSerializer(serializers.Serializer):
    id = ClientUUIDField(
        required=False, allow_null=True, help_text="The client's id of this move: a replay is recorded once."
    )
    action = serializers.ChoiceField(choices=PUBLIC_ACTIONS)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE)
    position = PositionSerializer(required=False, allow_null=True)
    photos = serializers.ListField(child=ClientUUIDField(), required=False, default=list, max_length=MAX_MOVE_PHOTOS)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, help_text="dispatch / resume: the unit."
    )
    due_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="request_extension / approve_extension: the new deadline."
    )
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the move was made on the device (a move queued offline). The task's times and the metrics "
        "use it bounded by what the server can check: not after the move is received, not before the task's last "
        "move, not before the move's photos were taken (their camera time when the upload checks found it "
        "plausible, else when they were received). The audit row keeps it as `claimed_at` beside `counted_at` and "
        "`at` (received); a gap over MOVE_LATE_SYNC_HOURS is reported as `late_synced`.",
    )
    device_time = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="The device's clock when it sent this request. The server measures the offset (received − "
        "device_time) and reads `at` on its own clock (a tablet whose clock is days behind or ahead claims "
        "correctly); an offset beyond DEVICE_CLOCK_MAX_OFFSET_HOURS corrects nothing. The bounds of `at` still "
        "apply. Absent: `at` is read as sent.",
    )

    def to_input(self) -> MoveInput:
        data = self.validated_data
        position, accuracy = data.get("position") or (None, None)
        if position is not None:
            try:
                position = clean_point(position)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"position": exc.messages}) from exc
        return MoveInput(
            action=data["action"],
            note=data["note"],
            position=position,
            accuracy_m=accuracy,
            photos=data["photos"],
            unit=data.get("unit"),
            due_at=data.get("due_at"),
            client_id=data.get("id"),
            made_at=data.get("at"),
            clock=self.device_clock(data.get("device_time")),
        )

    @staticmethod
    def device_clock(device_time) -> DeviceClock | None:
        if device_time is None:
            return None
        return DeviceClock(offset=clock_offset(device_time, timezone.now()))


class PhotoFlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(source="get_code_display")
    value = serializers.FloatField(allow_null=True)
    threshold = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    other_photo = serializers.UUIDField(source="other_photo_id", allow_null=True)


class ExifSerializer(serializers.Serializer):
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    altitude = serializers.FloatField(allow_null=True)
    taken_at = serializers.DateTimeField(allow_null=True)
    make = serializers.CharField()
    model = serializers.CharField()
    orientation = serializers.IntegerField(allow_null=True)


class PhotoUrlsSerializer(serializers.Serializer):
    original = serializers.CharField()
    display = serializers.CharField()
    thumbnail = serializers.CharField()


class PhotoSerializer(serializers.ModelSerializer):
    sha256 = serializers.CharField(source="file.sha256")
    mime_type = serializers.CharField(source="file.mime_type")
    size = serializers.IntegerField(source="file.size")
    width = serializers.IntegerField(source="file.width")
    height = serializers.IntegerField(source="file.height")
    exif = serializers.SerializerMethodField()
    flags = PhotoFlagSerializer(many=True, read_only=True)
    urls = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = [
            "id",
            "inspection",
            "finding",
            "role",
            "sha256",
            "mime_type",
            "size",
            "width",
            "height",
            "exif",
            "flags",
            "urls",
            "uploaded_by",
            "uploaded_at",
        ]

    @extend_schema_field(ExifSerializer)
    def get_exif(self, photo):
        f = photo.file
        return ExifSerializer(
            {
                "lat": f.exif_point.y if f.exif_point else None,
                "lon": f.exif_point.x if f.exif_point else None,
                "altitude": f.exif_altitude,
                "taken_at": f.exif_taken_at,
                "make": f.exif_make,
                "model": f.exif_model,
                "orientation": f.exif_orientation,
            }
        ).data

    @extend_schema_field(PhotoUrlsSerializer)
    def get_urls(self, photo):
        return photo_urls(photo, self.context.get("request"))


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, WebP or HEIC; the type is read from the bytes.")
    finding = serializers.UUIDField(required=False, allow_null=True)
    inspection = serializers.UUIDField(
        required=False, allow_null=True, help_text="Instead of a finding: a photo of the inspection itself."
    )
    role = serializers.ChoiceField(choices=PhotoRole.choices, default=PhotoRole.BEFORE)
    lon = serializers.FloatField(
        required=False,
        min_value=MIN_LON,
        max_value=MAX_LON,
        help_text="The device's position when the photo was taken.",
    )
    lat = serializers.FloatField(required=False, min_value=MIN_LAT, max_value=MAX_LAT)
    accuracy = serializers.FloatField(required=False, min_value=MIN_ACCURACY, help_text="Its accuracy in metres.")

    def validate(self, data):
        return device_position(data)


def device_position(data: dict) -> dict:
    """``lon`` + ``lat`` (+ ``accuracy``) → ``position`` (a checked point) and ``accuracy_m``."""
    lon, lat = data.pop("lon", None), data.pop("lat", None)
    accuracy = data.pop("accuracy", None)
    if (lon is None) != (lat is None):
        raise serializers.ValidationError({"lat": [_("Give both lon and lat, or neither.")]})
    data["position"] = None
    data["accuracy_m"] = accuracy
    if lon is not None:
        try:
            data["position"] = clean_point(Point(lon, lat, srid=4326))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"lon": exc.messages}) from exc
    return data


class FindingSerializer(serializers.ModelSerializer):
    problem_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    problem_type_name = serializers.CharField(source="problem_type.display_name", read_only=True)
    location = LonLatSerializer(read_only=True)
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    routed_unit_name = serializers.CharField(
        source="routed_unit.display_name", read_only=True, default=None, allow_null=True
    )
    hotspot = serializers.IntegerField(source="inspection.hotspot_id", read_only=True, allow_null=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "hotspot",
            "problem_type",
            "problem_type_name",
            "severity",
            "description",
            "location",
            "jurisdiction",
            "jurisdiction_code",
            "routed_unit",
            "routed_unit_name",
            "routing_rule",
            "is_open",
            "likely_duplicate_of",
            "created_by",
            "created_at",
            "photos",
        ]


class InspectionSerializer(serializers.ModelSerializer):
    location = LonLatSerializer(read_only=True)
    position = serializers.SerializerMethodField()
    findings = FindingSerializer(many=True, read_only=True)
    hotspot_name = serializers.CharField(source="hotspot.name", read_only=True, default=None, allow_null=True)
    campaign = serializers.IntegerField(source="phase.campaign_id", read_only=True)
    score = serializers.SerializerMethodField(
        help_text="max(0, 100 − deduction); null for answers without a checklist version (not scored)."
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "inspector",
            "hotspot",
            "hotspot_name",
            "campaign",
            "phase",
            "jurisdiction",
            "location",
            "started_at",
            "ended_at",
            "position",
            "checklist_version",
            "answers",
            "deduction",
            "score",
            "received_at",
            "findings",
        ]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_score(self, inspection) -> float | None:
        return None if inspection.deduction is None else inspection_score(inspection.deduction)

    @extend_schema_field(PositionSerializer(allow_null=True))
    def get_position(self, inspection):
        if inspection.position is None:
            return None
        return {"lon": inspection.position.x, "lat": inspection.position.y, "accuracy": inspection.position_accuracy_m}
