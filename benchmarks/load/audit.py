"""The database against what the tablets believe: every confirmed item stored, and stored once.

Ids are the tablets' UUIDs and primary keys, so "twice under one id" cannot happen; a duplicate shows as the same
thing stored a second time beside it: a second Photo row with the same file on the same finding, a task's creation
recorded twice, a second move event with one move id, or a conflict recorded for an identical replay.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from benchmarks.load.tablets import KINDS, Ledger


def merge(ledgers: list[Ledger]) -> dict:
    sent, attempted = defaultdict(set), defaultdict(set)
    refused, surprises, replays = [], [], defaultdict(int)
    gave_up = 0
    for ledger in ledgers:
        for kind, ids in ledger.sent.items():
            sent[kind] |= ids
        for kind, ids in ledger.attempted.items():
            attempted[kind] |= ids
        refused += ledger.refused
        surprises += ledger.replay_surprises
        for kind, n in ledger.replays.items():
            replays[kind] += n
        gave_up += ledger.gave_up
    return {
        "sent": sent,
        "attempted": attempted,
        "refused": refused,
        "surprises": surprises,
        "replays": dict(replays),
        "gave_up": gave_up,
    }


def _chunks(ids, size=500):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _stored(model, ids, field="pk") -> set[str]:
    found = set()
    for chunk in _chunks(ids):
        found |= {str(value) for value in model.objects.filter(**{f"{field}__in": chunk}).values_list(field, flat=True)}
    return found


def check(merged: dict) -> dict:
    """Per kind: sent (confirmed), stored, lost, duplicated; plus items never confirmed (still in an outbox)."""
    from inspections.models import Finding, Inspection, Photo, Task, TaskEvent
    from mobile_forms.models import SyncConflict

    sent = merged["sent"]
    stored = {
        "inspection": _stored(Inspection, sent["inspection"]),
        "finding": _stored(Finding, sent["finding"]),
        "photo": _stored(Photo, sent["photo"]),
        "task_move": _stored(TaskEvent, sent["task_move"], "client_id"),
    }
    duplicated = dict.fromkeys(KINDS, 0)
    for chunk in _chunks(sent["finding"]):
        # A finding's task, created once: its first event (from no status) once per task.
        starts = (
            TaskEvent.objects.filter(task__finding_id__in=chunk, from_status="")
            .values("task_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        duplicated["finding"] += sum(row["n"] - 1 for row in starts)
        tasks = Task.objects.filter(finding_id__in=chunk).values("finding_id").annotate(n=Count("id")).filter(n__gt=1)
        duplicated["finding"] += sum(row["n"] - 1 for row in tasks)
        photos = (
            Photo.objects.filter(finding_id__in=chunk).values("finding_id", "file_id").annotate(n=Count("id"))
        ).filter(n__gt=1)
        duplicated["photo"] += sum(row["n"] - 1 for row in photos)
    for chunk in _chunks(sent["task_move"]):
        moves = TaskEvent.objects.filter(client_id__in=chunk).values("client_id").annotate(n=Count("id"))
        duplicated["task_move"] += sum(row["n"] - 1 for row in moves.filter(n__gt=1))
    conflicts = sum(SyncConflict.objects.filter(item_id__in=chunk).count() for chunk in _chunks(sent["inspection"]))
    duplicated["inspection"] += conflicts  # the tablets never edit: a conflict would be a replay taken for an edit
    never_confirmed = {kind: len(merged["attempted"][kind] - sent[kind]) for kind in KINDS}
    kinds = {
        kind: {
            "sent": len(sent[kind]),
            "stored": len(stored[kind]),
            "lost": len(sent[kind] - stored[kind]),
            "duplicated": duplicated[kind],
            "not_confirmed": never_confirmed[kind],
        }
        for kind in KINDS
    }
    total = {key: sum(row[key] for row in kinds.values()) for key in ("sent", "stored", "lost", "duplicated")}
    total["not_confirmed"] = sum(never_confirmed.values())
    return {"kinds": kinds, "total": total, "conflicts_recorded": conflicts}
