"""Asking for a layer export: the record is stored, then written in the background once the request's transaction
commits (``geo.build_export``). The adapter has validated the layer, format, filters and bbox first (a 400 before
anything is stored); the record keeps them as given, and the export is scoped to its requester when it runs."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language, get_supported_language_variant

from geo.exports.background import build_export
from geo.layers import Layer
from geo.models import LayerExport


class PhotosRefused(ValueError):
    """``with_photos`` for a layer whose features have no photos."""


def export_request(
    *,
    user,
    layer: Layer,
    format_name: str,
    filters: dict[str, list[str]],
    bbox: str = "",
    with_photos: bool = False,
    language: str | None = None,
) -> LayerExport:
    if with_photos and layer.photos is None:
        raise PhotosRefused(layer.name)
    export = LayerExport(
        user=user,
        layer=layer.name,
        format=format_name,
        filters={name: [str(value) for value in values] for name, values in filters.items() if values},
        bbox=bbox,
        with_photos=with_photos,
        language=_supported(language or get_language()),
    )
    export.full_clean()
    export.save()
    transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


def _supported(code: str | None) -> str:
    try:
        return get_supported_language_variant(code or "")
    except LookupError:
        return settings.LANGUAGE_CODE
