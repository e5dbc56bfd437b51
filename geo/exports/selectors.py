"""Reads of layer exports: each person sees their own, and nobody else's (an administrator included: an export is
its requester's view of the data, and theirs to download)."""

from django.db.models import QuerySet

from geo.models import LayerExport


def exports_for_user(user) -> QuerySet[LayerExport]:
    if not user.is_authenticated:
        return LayerExport.objects.none()
    return LayerExport.objects.filter(user=user)
