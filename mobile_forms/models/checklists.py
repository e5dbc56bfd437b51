import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inspections.models import PhaseKind, ProblemType
from mobile_forms.models.questions import problem_type_codes, question_problems
from mobile_forms.models.sections import section_problems


class Checklist(models.Model):
    """The checklist of one hotspot category, for every phase or for one kind of campaign phase.

    Its content lives in versions; the latest published version is the one in force.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    category = models.ForeignKey(
        "geo.HotspotCategory", verbose_name=_("hotspot category"), on_delete=models.PROTECT, related_name="checklists"
    )
    phase_kind = models.CharField(
        _("phase"),
        max_length=20,
        choices=PhaseKind.choices,
        blank=True,
        help_text=_("Empty: used in every phase that has no checklist of its own for this category."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["category__sort_order", "phase_kind", "code"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [
            models.UniqueConstraint(fields=["category", "phase_kind"], name="mobile_forms_checklist_one_per_scope")
        ]

    def __str__(self) -> str:
        return self.code


class ChecklistVersion(models.Model):
    """One immutable edition of a checklist's questions. A draft has no number; publishing numbers and freezes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"), null=True, blank=True, editable=False)
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("For people, e.g. 2026.1."))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    questions = models.JSONField(
        _("questions"),
        default=list,
        blank=True,
        help_text=_(
            "A scored question may name the problem type and severity of the finding its failure opens "
            "(keys problem_type and severity)."
        ),
    )
    sections = models.JSONField(
        _("sections"),
        default=list,
        blank=True,
        help_text=_("Headings over runs of questions (an XLSForm's groups), see mobile_forms.models.sections."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("Where the questions came from."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created or imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["checklist__code", "-created_at"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="mobile_forms_version_unique_number"),
            models.CheckConstraint(
                condition=Q(number__isnull=True, published_at__isnull=True)
                | Q(number__isnull=False, published_at__isnull=False),
                name="mobile_forms_version_numbered_when_published",
            ),
        ]

    def __str__(self) -> str:
        number = f"v{self.number}" if self.number else _("draft")
        return f"{self.checklist_id and self.checklist.code} {number}" + (f" ({self.label})" if self.label else "")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def display_title(self) -> str:
        if self.title_en and (get_language() or "").startswith("en"):
            return self.title_en
        return self.title

    def clean(self) -> None:
        if not self._state.adding and ChecklistVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError(_("A published version cannot be changed; make a new version instead."))
        problems = question_problems(self.questions)
        if problems:
            raise ValidationError({"questions": [describe_problem(self.questions, *problem) for problem in problems]})
        problems = section_problems(self.sections, self.questions)
        if problems:
            raise ValidationError({"sections": problems})
        unknown = sorted(problem_type_codes(self.questions) - set(_active_problem_types()))
        if unknown:
            raise ValidationError(
                {
                    "questions": _(
                        "No active problem type has the code %(codes)s: a failed item must open a finding "
                        "of a known type."
                    )
                    % {"codes": ", ".join(unknown)}
                }
            )


def _active_problem_types() -> list[str]:
    return list(ProblemType.objects.filter(active=True).values_list("code", flat=True))


def describe_problem(questions, index: int | None, message: str) -> str:
    if index is None:
        return message
    item = questions[index]
    name = item.get("name") if isinstance(item, dict) else None
    return _("Question %(n)d (%(name)s): %(message)s") % {"n": index + 1, "name": name or "?", "message": message}
