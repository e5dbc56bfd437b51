import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def answers_deduction(answers) -> float | None:
    """The points an inspection loses: the sum of the `deduction` of each item of its answers' snapshot (the list
    that answers given with a checklist version are stored as, see mobile_forms.answers), rounded to 2 decimals;
    None for answers given without a checklist version (an object), which are not scored."""
    if not isinstance(answers, list):
        return None
    return round(sum(float(item.get("deduction") or 0.0) for item in answers if isinstance(item, dict)), 2)


class Inspection(models.Model):
    """A visit by an inspector to a hotspot (or a free location) during a campaign phase. Keys come from the tablet."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="inspections"
    )
    hotspot = models.ForeignKey(
        "geo.Hotspot",
        verbose_name=_("hotspot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    phase = models.ForeignKey(
        "inspections.Phase", verbose_name=_("phase"), on_delete=models.PROTECT, related_name="inspections"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="inspections"
    )
    location = models.PointField(
        _("location"), srid=4326, help_text=_("The hotspot, or where a free inspection was made.")
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    position = models.PointField(_("device position"), srid=4326, null=True, blank=True)
    position_accuracy_m = models.FloatField(_("position accuracy (m)"), null=True, blank=True)
    checklist_version = models.UUIDField(
        _("checklist version"),
        null=True,
        blank=True,
        help_text=_("The checklist version the answers were given with (mobile_forms.ChecklistVersion)."),
    )
    answers = models.JSONField(
        _("checklist answers"),
        default=dict,
        blank=True,
        help_text=_("Question → answer, or, for a checklist version, the list of answered questions as shown."),
    )
    deduction = models.FloatField(
        _("points deducted"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The sum of the deductions in the answers' snapshot (empty for answers without a checklist version, "
            "which are not scored); derived from the answers when the inspection is stored."
        ),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["started_at"], name="inspections_started_at"),
            models.Index(fields=["phase", "hotspot"], name="inspections_phase_hotspot"),
        ]

    def __str__(self) -> str:
        return f"{self.hotspot or _('free location')} · {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.ended_at and self.started_at and self.ended_at < self.started_at:
            raise ValidationError({"ended_at": _("An inspection cannot end before it starts.")})
        if self.position_accuracy_m is not None and self.position_accuracy_m < 0:
            raise ValidationError(
                {"position_accuracy_m": _("Accuracy is a distance in metres and cannot be negative.")}
            )
