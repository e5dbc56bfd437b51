from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from .photos import PhotoRole


class PhotoUploadSession(models.Model):
    """A photo arriving in chunks (resumable `PUT /api/photos/<uuid>/`): the bytes received so far, staged in the
    default storage as parts until the last byte arrives and the photo is stored like any other upload."""

    photo_id = models.UUIDField(_("photo id"), primary_key=True, editable=False)
    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="+"
    )
    finding = models.ForeignKey(
        "inspections.Finding",
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photo_uploads",
    )
    role = models.CharField(_("role"), max_length=8, choices=PhotoRole.choices, default=PhotoRole.BEFORE)
    total = models.PositiveBigIntegerField(_("declared size (bytes)"))
    received = models.PositiveBigIntegerField(_("bytes received"), default=0)
    staging = models.CharField(
        _("staging name"), max_length=255, help_text=_("Storage name prefix of the parts received so far.")
    )
    parts = models.JSONField(
        _("parts"),
        default=list,
        blank=True,
        help_text=_("[first byte, last byte, storage name] of each part, in order."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last chunk"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("photo upload in progress")
        verbose_name_plural = _("photo uploads in progress")

    def __str__(self) -> str:
        return f"{self.photo_id} · {self.received}/{self.total}"
