"""The offline sync: a tablet's batch of items becomes calls of the inspections services, and one result per item.

No business rules live here. The package reads the wire format, looks up what the items refer to (a batch at a
time), hands inspections to `inspections_submit_batch` and findings to `findings_submit_batch`, and keeps the
bookkeeping the contract asks for:

- each item answers "created", "existing" or "refused" with a reason, in the batch's order;
- inspections are stored before findings, so a finding may come before its inspection in the same batch; a finding
  whose inspection is not on the server at all is refused with a reason, and the tablet sends it again later;
- a refused item is kept (`SyncRefusal`, one row per sender and item content, counting attempts) for managers;
  when the same item is stored on a later attempt its refusal is marked as accepted;
- conflict rule: an id already stored by the same person with different content (edited on two devices) keeps the
  stored version; the other is recorded (`SyncConflict`) and the item answers "existing" with a reason. Findings
  that only the other version has are added to the stored inspection (each has its own id: evidence is never
  dropped), so their photos find them; what still differs is recorded.

Replaying a batch, any number of times and in any order, creates nothing new: the services are idempotent on the
tablet's UUIDs, and the refusal and conflict records are keyed by the item's digest.

Parsing: items have the shape of `POST /api/inspections/` (plus "type" and "checklist_version"), with the limits of
`inspections.api.contract`; the item serializers are in `mobile_forms.api.sync_serializers`, and `parsing` reads
well-formed items quickly, leaving anything unusual to them.

Task moves: an item {"type": "task_move", "id", "task", "action", "note", "position", "photos", "due_at", "at"}
is read like the body of `POST /api/tasks/<task>/transition/` and handed to `task_transition` with the item's id as
the move's client id. A recorded move answers "created"; the same id again (a replay) or a move the task has
already made (a no-op) answers "existing"; whatever the service refuses (a missing detail, the wrong state, a move
that is not the person's, a task they cannot see) is refused with the service's message, and kept like every
refused item. Moves are made after the batch's inspections and findings, one at a time in the order sent, so the
moves of one task apply in that order; each stands on its own (a refused move does not stop the next one, which
the service judges against the task as it then is). `at`, the device's time of the move, sets the task's times
within what the server can check (``inspections.rectification.timing``: a fix photographed and submitted offline
before its deadline is on time, a time claimed before the fix's photos were taken is not believed); the audit row
keeps the claimed, the counted and the received time. The envelope's `device_time` gives the tablet's clock offset
and its `waiting_since` what it still holds (`devices`, kept as `DeviceSync`): the claims are read on the server's
clock and bounded by the device's last sync after which it held nothing older.

Roles: an item a person's role may not send (a rectifier's inspection or finding) is refused on its own, with the
service's reason, and kept like every refused item; the batch is not answered 403 as a whole, because other item
types (task moves) are a rectifier's to send. A request without credentials is 401.

Modules: `batch` (the order of a batch and its answers), `parsing` (items into service inputs), `records`
(refusals and conflicts kept for managers), `reasons` (refusal messages), `devices` (the tablet's clock and queue).
"""

from mobile_forms.sync.batch import Result, sync_batch
from mobile_forms.sync.devices import Queue

__all__ = ["Queue", "Result", "sync_batch"]
