"""The shapes of `POST /api/sync/`: the envelope, each item type and the per-item results.

The item serializers are the slow, authoritative reading of an item (the sync's quick reading defers to them for
anything unusual); the limits come from `inspections.api.contract`, and the schema shows every item shape.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from geo.api.fields import TextField
from inspections.api.contract import FINDING, INSPECTION, MAX_DEVICE, MAX_ITEMS, TASK_MOVE
from inspections.api.serializers import (
    ClientUUIDField,
    FindingInputSerializer,
    InspectionInputSerializer,
    TransitionSerializer,
)
from inspections.evidence.batch import FindingItem


class SyncInspectionSerializer(InspectionInputSerializer):
    """An inspection item: the body of `POST /api/inspections/` plus its checklist version."""

    type = serializers.ChoiceField(choices=[INSPECTION])
    checklist_version = ClientUUIDField(required=False, allow_null=True)


class SyncFindingSerializer(FindingInputSerializer):
    """A finding item: a finding of `POST /api/inspections/` for an inspection sent before."""

    type = serializers.ChoiceField(choices=[FINDING])
    inspection = ClientUUIDField()

    def to_item(self) -> FindingItem:
        return FindingItem(
            inspection_id=self.validated_data["inspection"], finding=self.finding_input(self.validated_data)
        )


class SyncTaskMoveSerializer(TransitionSerializer):
    """A task move of the outbox: the body of `POST /api/tasks/<task>/transition/` plus the task and the move's id."""

    type = serializers.ChoiceField(choices=[TASK_MOVE])
    id = ClientUUIDField(help_text="The tablet's id of this move: a replay is recorded once.")
    task = ClientUUIDField()
    device_time = None  # the envelope's, for every move of the batch


SYNC_ITEM = PolymorphicProxySerializer(
    component_name="SyncItem",
    serializers={
        INSPECTION: SyncInspectionSerializer,
        FINDING: SyncFindingSerializer,
        TASK_MOVE: SyncTaskMoveSerializer,
    },
    resource_type_field_name="type",
)


class SyncItemField(serializers.Field):
    """One item, passed on as sent: each item is read on its own, and a bad one is refused alone (not a 400)."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class SyncItemFieldExtension(OpenApiSerializerFieldExtension):
    """An item is one of the SyncItem shapes, or anything else, which the batch refuses on its own (not a 400)."""

    target_class = SyncItemField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "anyOf": [
                auto_schema.resolve_serializer(SYNC_ITEM, direction).ref,
                {"description": "Anything else: refused on its own, with the reason, in the results."},
            ]
        }


class SyncRequestSerializer(serializers.Serializer):
    device = TextField(max_length=MAX_DEVICE, help_text="The tablet's own id, for the records of refused items.")
    items = serializers.ListField(
        child=SyncItemField(),
        max_length=MAX_ITEMS,
        help_text=(
            'Objects keyed by the tablet\'s UUIDs. "inspection": the body of POST /api/inspections/ plus '
            '"checklist_version"; "finding": {"id", "inspection", "problem_type", "severity", "description", '
            '"location"} for an inspection sent before; "task_move": {"id", "task", "action", "note", '
            '"position": {"lon", "lat", "accuracy"}, "photos": [uuid], "due_at", "at"}, a move of a rectification '
            "task, read like the body of POST /api/tasks/<task>/transition/ (the item's id is the move's id)."
        ),
        error_messages={"max_length": _("Send at most {max_length} items per batch; split the outbox.")},
    )
    device_time = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="The tablet's clock when it sent this request (ISO 8601 with its offset). The server measures the "
        "clock's offset (received − device_time) and reads every move's `at` on its own clock; an offset beyond "
        "DEVICE_CLOCK_MAX_OFFSET_HOURS corrects nothing. Absent: the moves' `at` are read as sent.",
    )
    waiting_since = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the oldest task move the tablet still holds for this person besides this request's own was "
        "queued (its `at`, on the tablet's clock), refused ones included; null: none. The server then bounds later "
        "moves: one claiming to be older than a sync after which the tablet held nothing older counts from that sync. "
        "Absent: the tablet says nothing about its queue.",
    )


class SyncResultSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True, help_text="The item's id as sent.")
    type = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "existing", "refused"])
    reason = serializers.CharField(
        allow_null=True,
        help_text="Why it was refused; or, for an inspection stored before, that a conflict was recorded and how many "
        "of its findings new to the server were added.",
    )


class SyncResponseSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True, help_text="One per item, in the items' order.")
