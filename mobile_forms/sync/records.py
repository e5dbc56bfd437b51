"""What a batch leaves for managers: refused items and conflicting versions, one row per sender and content.

A refused item is kept as `SyncRefusal`, counting attempts; when the same item is stored on a later attempt its
refusal is marked as accepted. An inspection stored before and sent with other content is kept as `SyncConflict`.
Both are keyed by the item's digest, so replays add no rows.

A refused item may be anything a client sent (an unknown type, a huge blob), so what is kept of it is bounded: an
item whose compact JSON exceeds ``SYNC_REFUSAL_PAYLOAD_MAX_BYTES`` is kept as a marker with its type, id, size and
the beginning of its JSON (`kept_payload`), its digest still that of the whole item; and each device of a sender
keeps its ``SYNC_REFUSALS_PER_DEVICE`` most recently refused items, older ones deleted (`_prune`). Neither touches
the answer the tablet gets for each item.
"""

import hashlib
import json
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from inspections.api.contract import REFUSED_CHARACTERS
from mobile_forms.models import SyncConflict, SyncRefusal


def storable(value):
    """The item with NUL and lone surrogates (valid in JSON text, not in UTF-8 or PostgreSQL's jsonb) replaced by
    U+FFFD, so that a refused item is kept as sent in every other respect."""
    if isinstance(value, str):
        return REFUSED_CHARACTERS.sub("\ufffd", value)
    if isinstance(value, dict):
        return {storable(key): storable(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [storable(inner) for inner in value]
    return value


def kept_payload(item, item_type: str, item_id: str):
    """The item as stored: whole, or when its compact JSON is too large, a marker with the JSON's beginning."""
    limit = int(getattr(settings, "SYNC_REFUSAL_PAYLOAD_MAX_BYTES", 4096))
    text = json.dumps(item, separators=(",", ":"), ensure_ascii=False, default=str)
    size = len(text.encode())
    if size <= limit:
        return item
    head = text.encode()[:limit].decode(errors="ignore")
    return {"truncated": True, "bytes": size, "type": item_type, "id": item_id, "head": head}


def digest(item) -> str:
    canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _item_id(item) -> str:
    raw = item.get("id") if isinstance(item, dict) else None
    try:
        return str(uuid.UUID(hex=raw))
    except (TypeError, ValueError, AttributeError):
        return str(raw)[:64] if raw is not None else ""


def batch_record(user, device, items, refused: dict, conflicts: dict, accepted: list[int]) -> None:
    """Keep refused items and conflicting versions (one row per sender and content), mark refusals accepted later."""
    now = timezone.now()
    with transaction.atomic():
        if refused:
            rows = {}
            for index, reason in refused.items():
                item = storable(items[index])
                item_type = item.get("type") if isinstance(item, dict) else None
                item_type = str(item_type)[:32] if item_type is not None else ""
                item_id = _item_id(item)
                row = SyncRefusal(
                    user=user,
                    device=device,
                    item_type=item_type,
                    item_id=item_id,
                    digest=digest(item),
                    payload=kept_payload(item, item_type, item_id),
                    reason=reason,
                    last_seen_at=now,
                )
                rows.setdefault(row.digest, row)
            cap = refusals_per_device()
            # More distinct refusals in one batch than a device keeps: the last ones of the batch are kept.
            rows = dict(list(rows.items())[-cap:]) if cap else {}
            _upsert(SyncRefusal, user, rows, ["device", "reason", "last_seen_at", "resolved_at"])
            _prune(user, device, cap)
        if conflicts:
            rows = {}
            for index, (item_id, differences) in conflicts.items():
                item = storable(items[index])
                row = SyncConflict(
                    user=user,
                    device=device,
                    item_type=item["type"],
                    item_id=item_id,
                    digest=digest(item),
                    payload=item,
                    differences=list(differences),
                    last_seen_at=now,
                )
                rows.setdefault(row.digest, row)
            _upsert(SyncConflict, user, rows, ["device", "differences", "last_seen_at"])
        if accepted:
            ids: dict[str, set[str]] = {}
            for index in accepted:
                ids.setdefault(items[index]["type"], set()).add(_item_id(items[index]))
            same_item = Q()
            for item_type, item_ids in ids.items():
                same_item |= Q(item_type=item_type, item_id__in=item_ids)
            SyncRefusal.objects.filter(same_item, user=user, resolved_at__isnull=True).update(resolved_at=now)


def refusals_per_device() -> int:
    return max(int(getattr(settings, "SYNC_REFUSALS_PER_DEVICE", 200)), 0)


def _prune(user, device: str, cap: int) -> None:
    """Delete the device's refusals beyond the `cap` most recently refused."""
    rows = SyncRefusal.objects.filter(user=user, device=device)
    beyond = list(rows.order_by("-last_seen_at", "-pk").values_list("pk", flat=True)[cap:])
    if beyond:
        SyncRefusal.objects.filter(pk__in=beyond).delete()


def _upsert(model, user, rows: dict, fields: list[str]) -> None:
    """Insert new rows; for rows already there (same sender and digest) count one more attempt."""
    seen = model.objects.filter(user=user, digest__in=list(rows)).values_list("digest", flat=True)
    seen = set(seen)
    if seen:
        for key in seen:
            row = rows[key]
            values = {name: getattr(row, name) for name in fields}
            model.objects.filter(user=user, digest=key).update(attempts=F("attempts") + 1, **values)
    model.objects.bulk_create([row for key, row in rows.items() if key not in seen], ignore_conflicts=True)
