"""The wire contract of what a tablet sends: the limits of its items, written once.

The REST input serializers (`inspections.api.serializers`, `mobile_forms.api.sync_serializers`) declare their fields
with these values, so the OpenAPI schema of `POST /api/inspections/` and `POST /api/sync/` shows them; the sync's
quick reading (`mobile_forms.sync.parsing`) checks the very same values before it trusts an item without the
serializers. Plain values only: the quick reading must not pay for building a serializer.
"""

import math
import re

from inspections.evidence.inspections import FINDINGS_MAX, FREE_ANSWERS_MAX_CHARS, answers_size
from inspections.models import Severity
from inspections.rectification.workflow import NOTE_MAX_LENGTH, PHOTOS_MAX

# Item types of a sync batch.
INSPECTION = "inspection"
FINDING = "finding"
TASK_MOVE = "task_move"
ITEM_TYPES = (INSPECTION, FINDING, TASK_MOVE)

MAX_ITEMS = 1000
MAX_DEVICE = 64
MAX_DESCRIPTION = 4000
# One inspection's bounds are the evidence services' (which enforce them too).
MAX_FINDINGS = FINDINGS_MAX
MAX_FREE_ANSWERS = FREE_ANSWERS_MAX_CHARS  # characters of compact JSON, for answers without a checklist version
# A task move's limits are the move table's.
MAX_NOTE = NOTE_MAX_LENGTH
MAX_MOVE_PHOTOS = PHOTOS_MAX

MIN_LON, MAX_LON = -180, 180
MIN_LAT, MAX_LAT = -90, 90
MIN_ACCURACY = 0

SEVERITIES = frozenset(Severity.values)

# What every DRF CharField refuses (its NUL and surrogate validators); the quick reading refuses the same.
REFUSED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def is_number(value) -> bool:
    """A JSON number as the quick reading takes it: int or float, not a bool, finite."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_lon_lat(lon, lat) -> bool:
    return is_number(lon) and is_number(lat) and MIN_LON <= lon <= MAX_LON and MIN_LAT <= lat <= MAX_LAT


def is_accuracy(value) -> bool:
    return is_number(value) and value >= MIN_ACCURACY


def is_free_answers(value: dict) -> bool:
    """Answers without a checklist version within their size."""
    return answers_size(value) <= MAX_FREE_ANSWERS


def is_description(value: str) -> bool:
    """A finding's description (already trimmed) within the limits."""
    return len(value) <= MAX_DESCRIPTION and not REFUSED_CHARACTERS.search(value)
