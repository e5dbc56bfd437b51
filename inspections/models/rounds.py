import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Round(models.Model):
    """An inspection round (巡查计划): hotspots assigned to inspectors, in a visiting order, for one day or for a
    campaign phase. Grid cells, categories and communities a manager chooses are expanded into hotspots when the
    round is saved (``selection`` keeps what was chosen)."""

    title = models.CharField(_("title"), max_length=120)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="rounds",
        help_text=_("The area the round belongs to: its hotspots lie in it and its managers plan it."),
    )
    day = models.DateField(_("day"), null=True, blank=True, help_text=_("A round for one day…"))
    phase = models.ForeignKey(
        "inspections.Phase",
        verbose_name=_("phase"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        help_text=_("…or for a whole campaign phase."),
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="rounds", blank=False
    )
    note = models.TextField(_("note"), blank=True)
    selection = models.JSONField(
        _("chosen as"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("What the manager chose (hotspots, grid cells, categories, communities) before expansion."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-day", "-created_at"]
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(day__isnull=False, phase__isnull=True) | Q(day__isnull=True, phase__isnull=False),
                name="inspections_round_day_or_phase",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (self.day is None) == (self.phase_id is None):
            raise ValidationError(_("A round is for one day or for one phase: give exactly one of them."))

    @property
    def first_day(self) -> dt.date:
        return self.day or self.phase.starts_on

    @property
    def last_day(self) -> dt.date:
        return self.day or self.phase.ends_on


class RoundStop(models.Model):
    """One hotspot of a round, at its place in the visiting order (1, 2, …)."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="stops")
    hotspot = models.ForeignKey(
        "geo.Hotspot", verbose_name=_("hotspot"), on_delete=models.PROTECT, related_name="round_stops"
    )
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["round", "order"]
        verbose_name = _("stop of a round")
        verbose_name_plural = _("stops of rounds")
        constraints = [
            models.UniqueConstraint(fields=["round", "hotspot"], name="inspections_roundstop_unique_hotspot"),
            models.UniqueConstraint(fields=["round", "order"], name="inspections_roundstop_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.hotspot}"
