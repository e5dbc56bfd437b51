from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BriefingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Briefing(models.Model):
    """A briefing (通报 / 简报) of a scope for a period and a campaign phase: DOCX and XLSX built in the background."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefings",
        help_text=_("Empty for a scheduled briefing."),
    )
    scope = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefings",
        help_text=_("The area the briefing covers; empty: the whole district."),
    )
    phase = models.ForeignKey(
        "inspections.Phase", verbose_name=_("phase"), on_delete=models.PROTECT, related_name="briefings"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    scheduled = models.BooleanField(_("scheduled"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=BriefingStatus.choices, default=BriefingStatus.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=120, blank=True)
    docx = models.FileField(_("DOCX file"), upload_to="briefings/%Y/%m/", blank=True)
    xlsx = models.FileField(_("XLSX file"), upload_to="briefings/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")

    def __str__(self) -> str:
        return f"{self.phase} · {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"
