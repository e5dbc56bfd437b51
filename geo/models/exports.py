from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being written")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class LayerExport(models.Model):
    """A map layer's export written in the background: one person's layer, format, filters and bbox as they asked
    (scoped to them when it runs), its progress, and its file, kept for EXPORT_KEEP_DAYS in private storage."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="exports"
    )
    layer = models.CharField(_("layer"), max_length=40)
    format = models.CharField(_("format"), max_length=8)
    filters = models.JSONField(_("filters"), default=dict, blank=True, help_text=_("Each filter's values."))
    bbox = models.CharField(_("bounding box"), max_length=120, blank=True)
    with_photos = models.BooleanField(_("with photos"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    rows_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    photos_total = models.PositiveIntegerField(_("photos to write"), null=True, blank=True)
    photos_written = models.PositiveIntegerField(_("photos written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True, max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("layer export")
        verbose_name_plural = _("layer exports")

    def __str__(self) -> str:
        return f"{self.layer}.{self.format} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress(self) -> int:
        """Percent done: rows and photos count alike."""
        if self.status in (ExportStatus.READY, ExportStatus.EXPIRED):
            return 100
        total = (self.rows_total or 0) + (self.photos_total or 0)
        if not total:
            return 0
        return min(99, 100 * (self.rows_written + self.photos_written) // total)
