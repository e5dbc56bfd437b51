from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.bilingual import BilingualName


class Campaign(BilingualName, models.Model):
    """A campaign such as 创建首都文明区 · 城市清洁日."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A campaign cannot end before it starts.")})


class PhaseKind(models.TextChoices):
    SELF_INSPECTION = "self_inspection", _("Self-inspection")
    CROSS_INSPECTION = "cross_inspection", _("Cross inspection")
    MOCK_EVALUATION = "mock_evaluation", _("Mock evaluation")
    ACCEPTANCE = "acceptance", _("Acceptance")


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    checklist_version = models.CharField(
        _("checklist version"),
        max_length=40,
        blank=True,
        help_text=_("The version of the checklists in force during this phase."),
    )

    class Meta:
        ordering = ["campaign", "starts_on"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="inspections_phase_unique_kind")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_kind_display()}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A phase cannot end before it starts.")})
