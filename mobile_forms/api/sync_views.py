"""`POST /api/sync/`: the tablets' outbox, a batch at a time (see mobile_forms.sync for what happens to each item)."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from mobile_forms.api.sync_serializers import SyncRequestSerializer, SyncResponseSerializer
from mobile_forms.sync import Queue, sync_batch


class SyncView(APIView):
    """Store a batch of inspections, findings and task moves from a tablet's outbox; idempotent on the items' UUIDs.

    Always 200 with one result per item ("created", "existing" or "refused" with a reason) unless the envelope
    itself is malformed (400). Replays answer "existing" and store nothing new. Items a person's role may not send
    (a rectifier's inspections) are refused one by one, and kept for managers like every refused item. An inspection
    or finding is read like `POST /api/inspections/`: one with a finding outside the person's area or too far from
    the inspected hotspot, too many findings or too large answers is refused with that reason, and nothing of it is
    stored.

    Conflicts: an inspection stored before, sent with other content (edited on a second device), keeps the stored
    version and the other is recorded for managers; its findings that the server does not have yet are added to the
    stored inspection, so their photos can follow. The reason says both.

    Order: inspections are stored before findings, and task moves after both. Task moves are made one at a time in
    the order sent, so the moves of one task apply in that order. A move answers "created" when it is recorded,
    "existing" when its id was recorded before (a replay) or the task already is where the move leads (a no-op),
    and "refused" with the workflow's message otherwise: a missing or wrong detail (a note, a deadline, a position
    outside the task's site with the distance, after-photos not uploaded yet: upload photos before the moves that
    name them), a state that does not allow it (the message names the task's current status), a move that is not
    the person's to make, or a task they cannot see. A refused move does not stop the later ones.

    Time: `device_time` (the tablet's clock when it sent) corrects the moves' `at` by the clock's offset, and
    `waiting_since` (the oldest move the tablet still holds besides these) lets the server bound later claims by this
    sync; the task events show the claimed time, the offset applied and the counted time.
    """

    @extend_schema(
        request={"application/json": SyncRequestSerializer},
        responses={
            200: SyncResponseSerializer,
            400: OpenApiResponse(description="The envelope is malformed: no device, no list of items, too many."),
            503: OpenApiResponse(
                description="The database was busy with other writers for too long (SpatiaLite under load). Send the "
                'batch again after `Retry-After` seconds: items stored before it answer "existing", none twice.'
            ),
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
            ),
            OpenApiExample(
                "A rectifier's offline work on one task",
                value={
                    "device": "tablet-4f0c",
                    "device_time": "2026-11-25T11:15:03+08:00",
                    "waiting_since": None,
                    "items": [
                        {
                            "type": "task_move",
                            "id": "0b6f5d7e-4c1a-4a8e-9f3b-2d1c0e9a8b7c",
                            "task": "5a2e8c1d-9b7f-4e6a-8d3c-1f0e2b4a6c8d",
                            "action": "check_in",
                            "position": {"lon": 116.2231, "lat": 39.8492, "accuracy": 6},
                            "at": "2026-11-25T10:02:00+08:00",
                        },
                        {
                            "type": "task_move",
                            "id": "7c9d1e2f-3a4b-4c5d-8e6f-9a0b1c2d3e4f",
                            "task": "5a2e8c1d-9b7f-4e6a-8d3c-1f0e2b4a6c8d",
                            "action": "submit",
                            "note": "垃圾已清运，地面已冲洗",
                            "photos": ["2e4c6a8b-1d3f-4a5c-9e7b-0c2d4f6a8b1e"],
                            "at": "2026-11-25T10:20:00+08:00",
                        },
                    ],
                },
                request_only=True,
            ),
            OpenApiExample(
                "A check-in outside the task's site",
                value={
                    "results": [
                        {
                            "id": "0b6f5d7e-4c1a-4a8e-9f3b-2d1c0e9a8b7c",
                            "type": "task_move",
                            "status": "refused",
                            "reason": "position: You are 132 m outside the task's site: go there first.",
                        }
                    ]
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request):
        envelope = SyncRequestSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        data = envelope.validated_data
        results = sync_batch(
            user=request.user,
            device=data["device"],
            items=data["items"],
            device_time=data.get("device_time"),
            queue=Queue(data["waiting_since"]) if "waiting_since" in data else None,
        )
        return Response({"results": [result.as_dict() for result in results]})
