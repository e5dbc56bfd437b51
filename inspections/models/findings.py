import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.bilingual import BilingualName
from geo.routing import Rule


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    SEVERE = "severe", _("Severe")


class ProblemType(BilingualName, models.Model):
    """A kind of problem (暴露垃圾, 非法小广告 …) and the hotspot categories where it is looked for."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    categories = models.ManyToManyField(
        "geo.HotspotCategory", verbose_name=_("hotspot categories"), related_name="problem_types", blank=True
    )
    default_severity = models.CharField(
        _("default severity"), max_length=8, choices=Severity.choices, default=Severity.MINOR
    )
    deadline_days_minor = models.PositiveSmallIntegerField(
        _("working days to fix (minor)"), default=5, help_text=_("Deadline of a task of this type, minor severity.")
    )
    deadline_days_major = models.PositiveSmallIntegerField(
        _("working days to fix (major)"), default=3, help_text=_("Deadline of a task of this type, major severity.")
    )
    deadline_days_severe = models.PositiveSmallIntegerField(
        _("working days to fix (severe)"), default=1, help_text=_("Deadline of a task of this type, severe.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("problem type")
        verbose_name_plural = _("problem types")

    def __str__(self) -> str:
        return self.display_name

    def deadline_days(self, severity: str) -> int:
        return {
            Severity.MINOR: self.deadline_days_minor,
            Severity.MAJOR: self.deadline_days_major,
            Severity.SEVERE: self.deadline_days_severe,
        }[severity]


class Finding(models.Model):
    """A problem seen during an inspection, at a point, proven by photos."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    problem_type = models.ForeignKey(
        ProblemType, verbose_name=_("problem type"), on_delete=models.PROTECT, related_name="findings"
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    description = models.TextField(_("description"), blank=True)
    location = models.PointField(_("location"), srid=4326)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="findings"
    )
    routed_unit = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    routing_rule = models.CharField(_("routing rule"), max_length=16, choices=Rule.choices)
    is_open = models.BooleanField(_("open"), default=True)
    likely_duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("likely duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="likely_duplicates",
        help_text=_("An open finding of the same type close by; offered for review, never merged automatically."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="findings"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["problem_type", "is_open"], name="inspections_finding_type_open")]

    def __str__(self) -> str:
        return f"{self.problem_type} · {self.inspection.hotspot or self.location.coords}"
