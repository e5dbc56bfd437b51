"""Recording a whole batch at once: inspections with their findings, and findings added to inspections already sent.

The rules are those of `inspection_submit` and `finding_add` (inspections.py), applied item by item in the batch's
order, and they are not restated here: the checks call the same public rules (`check_phase`, `inspection_anchor`,
`finding_anchor`, `check_in_district`, `check_own_inspection`, `new_inspection`, `new_finding`, …, the selectors,
the models' own validation), and an item found invalid is handed to `inspection_submit` itself (or to
`finding_add`) inside a savepoint, so the refusal carries that service's own error, word for word. What changes is
only how the database is asked, set-based instead of per item (for valid items the number of queries does not grow
with the batch):

- one query for the ids already stored (and their content, to tell a replay from a second, different version:
  `replays`);
- one query for the hotspots the person may use, one for the jurisdictions in their scope (the items' and their
  findings' places), one for the findings the inspections that findings are added to already carry (`candidates`);
- the deepest jurisdiction of every point, and routing (`geo.routing.jurisdiction_ids`, `geo.routing.route_points`:
  the process's shared `RoutingIndex` where the backend offers one, else one over just what the points can reach);
- likely duplicates: one query for the open findings near any of the batch's findings, then the same nearest-first
  rule as `likely_duplicate`, the batch's own earlier findings included as an item-by-item run would see them
  (`duplicates`);
- `insert_new` (inspections/bulk_insert.py: `bulk_create`, or one `unnest` statement per table where the database
  offers it) for the rest (`submit`).

The result is exactly the rows `inspection_submit` would store, called item by item in the same order (the tests
compare them field by field), with one addition for the offline sync: an inspection already stored, sent again
with findings the server does not have (the same inspection edited on two devices), gets those findings added as
`finding_add` would add them, because each is an observation with its own id and nothing recorded may be lost.
`inspection_submit` answers such a replay with the stored inspection unchanged (the REST client sees at once what
was kept and adds findings through their own endpoint).

Concurrent duplicates: the inserts run in a savepoint. When another request stored one of the same ids first, the
insert fails on the primary key (in PostgreSQL it waits for the other transaction and fails once it commits); the
savepoint is rolled back and the whole batch is worked out again, now seeing those rows as stored. So each item is
stored once and every request answers "created" or "existing" for it. After a few such rounds (or any other
database error) the batch falls back to one savepoint per item.
"""

from inspections.evidence.batch.items import FindingItem, ItemResult, Status
from inspections.evidence.batch.submit import findings_submit_batch, inspections_submit_batch
from inspections.evidence.inspections import finding_add

__all__ = [
    "FindingItem",
    "ItemResult",
    "Status",
    "finding_add",
    "findings_submit_batch",
    "inspections_submit_batch",
]
