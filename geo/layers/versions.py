"""The data version of each layer: what the tile cache is keyed by, so that a write to one of a layer's ``sources``
makes every cached tile of that layer unreachable at once (nothing is scanned or deleted: old entries expire).

Each source model has a token in the Django cache (Redis in production, shared by every process); a layer's version
is its sources' tokens together. A write replaces the token with a new random one, so a lost or evicted token only
costs a cache miss, never a stale tile.

``save()`` and ``delete()`` of a source invalidate through signals, connected when a layer is registered. Writes
that send no signal (``bulk_create``, ``QuerySet.update()``, the batch inserts of the tablet sync) must call
``sources_changed(model, …)`` themselves: ``geo`` cannot know them, so the apps above it call this API.
"""

import uuid
from collections.abc import Iterable

from django.apps import apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.signals import post_delete, post_save

TOKEN_KEY = "layers:source:{label}"


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label


def data_version(sources: Iterable[str]) -> str:
    """The tokens of these source models ("app_label.Model") as one string; a missing token is made now."""
    labels = sorted(set(sources))
    keys = [TOKEN_KEY.format(label=label) for label in labels]
    tokens = cache.get_many(keys)
    for key in keys:
        if key not in tokens:
            # add() keeps a token another process has just made; read it back so that both agree.
            cache.add(key, uuid.uuid4().hex, None)
            tokens[key] = cache.get(key) or uuid.uuid4().hex
    return ".".join(tokens[key] for key in keys)


def _replace(labels: list[str]) -> None:
    cache.set_many({TOKEN_KEY.format(label=label): uuid.uuid4().hex for label in labels}, None)


def sources_changed(*models_changed: type[models.Model] | str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rows of these models were written: every layer drawing from them must be drawn again.

    The token changes now (this transaction's own later reads see its writes) and again once the transaction commits:
    another request may have read the old rows and cached its tile under the new token in between."""
    labels = [_label(model) for model in models_changed]
    if not labels:
        return
    _replace(labels)
    transaction.on_commit(lambda: _replace(labels), using=using)


def _on_write(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    sources_changed(sender, using=using)


def watch(sources: Iterable[str]) -> None:
    """Invalidate on every save and delete of these models (idempotent: one receiver per model)."""
    for label in sources:
        model = apps.get_model(label)
        uid = f"geo.layers.versions:{label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=uid + ":save", weak=False)
        post_delete.connect(_on_write, sender=model, dispatch_uid=uid + ":delete", weak=False)
