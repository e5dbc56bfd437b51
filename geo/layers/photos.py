"""A layer's photos, for exports that take them along: an app whose features have photos (the inspections' findings
and tasks) gives its layer a ``LayerPhotos``; geo reads them through it without knowing the photo model."""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.db.models import QuerySet


@dataclass(frozen=True)
class LayerPhoto:
    """One photo of one exported feature, as the archive and its manifest need it."""

    feature_id: str
    photo_id: str
    role: str  # before | after
    taken_at: dt.datetime | None
    longitude: float | None
    latitude: float | None
    sha256: str  # of the stored original, as recorded at upload
    size: int
    extension: str  # ".jpg"
    open: Callable[[], IO[bytes]]  # the original, read from storage


@dataclass(frozen=True)
class LayerPhotos:
    """``count(user, rows)`` and ``read(user, rows)``: the photos of ``rows`` (the layer's features, scoped and
    filtered) that ``user`` may see, read one at a time in a stable order."""

    count: Callable[[object, QuerySet], int]
    read: Callable[[object, QuerySet], Iterator[LayerPhoto]]
