"""`POST /api/sync/`: the tablets' outbox, a batch at a time (see mobile_forms.sync for what happens to each item)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mobile_forms.sync import MAX_ITEMS, sync_batch


class SyncRequestSerializer(serializers.Serializer):
    device = serializers.CharField(max_length=64, help_text="The tablet's own id, for the records of refused items.")
    items = serializers.ListField(
        max_length=MAX_ITEMS,
        help_text=(
            'Objects keyed by the tablet\'s UUIDs. "inspection": the body of POST /api/inspections/ plus '
            '"checklist_version"; "finding": {"id", "inspection", "problem_type", "severity", "description", '
            '"location"} for an inspection sent before; "task_move": not supported yet (refused).'
        ),
        error_messages={"max_length": _("Send at most {max_length} items per batch; split the outbox.")},
    )


class SyncResultSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True, help_text="The item's id as sent.")
    type = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "existing", "refused"])
    reason = serializers.CharField(allow_null=True, help_text="Why it was refused, or that a conflict was recorded.")


class SyncResponseSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True, help_text="One per item, in the items' order.")


class SyncView(APIView):
    """Store a batch of inspections and findings from a tablet's outbox; idempotent on the items' UUIDs.

    Always 200 with one result per item ("created", "existing" or "refused" with a reason) unless the envelope
    itself is malformed (400). Replays answer "existing" and store nothing new. Items a person's role may not send
    (a rectifier's inspections) are refused one by one, and kept for managers like every refused item.
    """

    @extend_schema(
        request=SyncRequestSerializer,
        responses={
            200: SyncResponseSerializer,
            400: OpenApiResponse(description="The envelope is malformed: no device, no list of items, too many."),
        },
        examples=[
            OpenApiExample(
                "A finding sent before its inspection",
                value={
                    "results": [
                        {
                            "id": "8c1f4c1e-7f0a-4f55-9d0e-3a1d2b4c5e6f",
                            "type": "finding",
                            "status": "refused",
                            "reason": "inspection: Inspection … is not on the server yet: send the inspection first, "
                            "then its findings.",
                        }
                    ]
                },
                response_only=True,
            )
        ],
    )
    def post(self, request):
        envelope = SyncRequestSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        results = sync_batch(
            user=request.user, device=envelope.validated_data["device"], items=envelope.validated_data["items"]
        )
        return Response({"results": [result.as_dict() for result in results]})
