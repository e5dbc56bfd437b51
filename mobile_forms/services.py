"""Making checklists and their versions: creating, publishing (which freezes a version) and importing XLSForms."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from geo.models import HotspotCategory
from inspections.models import PhaseKind
from mobile_forms.models import Checklist, ChecklistVersion
from mobile_forms.models.questions import normalized
from mobile_forms.xlsform import Problem, read_xlsform


def default_checklist_code(category: HotspotCategory, phase_kind: str = "") -> str:
    return f"{category.code}-{phase_kind}" if phase_kind else category.code


def checklist_get_or_create(
    *, category: HotspotCategory, phase_kind: str = "", code: str = ""
) -> tuple[Checklist, bool]:
    """The checklist of a category (for one kind of phase, or for all when phase_kind is empty).

    A new checklist takes `code` when it is a free slug, else `<category>[-<phase kind>]`.
    """
    phase_kind = phase_kind or ""
    if phase_kind and phase_kind not in PhaseKind.values:
        raise ValidationError({"phase_kind": _("“%(kind)s” is not a kind of phase.") % {"kind": phase_kind}})
    existing = Checklist.objects.filter(category=category, phase_kind=phase_kind).first()
    if existing is not None:
        return existing, False
    candidates = [slugify(code)[:64] if code else "", default_checklist_code(category, phase_kind)]
    chosen = next(
        (item for item in candidates if item and not Checklist.objects.filter(code=item).exists()),
        None,
    )
    if chosen is None:
        raise ValidationError({"code": _("The code “%(code)s” is already used by another checklist.") % {"code": code}})
    checklist = Checklist(code=chosen, category=category, phase_kind=phase_kind)
    checklist.full_clean()
    checklist.save()
    return checklist, True


def _same_content(version: ChecklistVersion | None, *, title, title_en, label, questions, sections) -> bool:
    return version is not None and (
        version.title,
        version.title_en,
        version.label,
        version.questions,
        version.sections,
    ) == (title, title_en, label, questions, sections)


def version_create(
    *,
    checklist: Checklist,
    questions: list[dict],
    title: str,
    title_en: str = "",
    label: str = "",
    source: str = "",
    user=None,
    publish: bool = True,
    sections: list[dict] | None = None,
) -> tuple[ChecklistVersion, bool]:
    """A new version of `checklist` (published at once unless publish=False).

    Content identical to the version in force (or, for a draft, to the latest draft) is not stored twice: that
    version is returned with created=False. Raises ValidationError naming every bad question.
    """
    questions = normalized(questions)
    sections = sections or []
    with transaction.atomic():
        Checklist.objects.select_for_update().get(pk=checklist.pk)
        if publish:
            same = checklist.versions.filter(published_at__isnull=False).order_by("-number").first()
        else:
            same = checklist.versions.filter(published_at__isnull=True).order_by("-created_at").first()
        if _same_content(same, title=title, title_en=title_en, label=label, questions=questions, sections=sections):
            return same, False
        version = ChecklistVersion(
            checklist=checklist,
            title=title,
            title_en=title_en,
            label=label,
            questions=questions,
            sections=sections,
            source=source[:200],
            created_by=user if user is not None and user.is_authenticated else None,
        )
        version.full_clean()
        version.save(force_insert=True)
        if publish:
            version = version_publish(version=version, user=user)
    return version, True


def version_publish(*, version: ChecklistVersion, user=None) -> ChecklistVersion:
    """Freeze a draft: give it the next number and make it the version in force. Publishing twice is a no-op."""
    with transaction.atomic():
        Checklist.objects.select_for_update().get(pk=version.checklist_id)
        version = ChecklistVersion.objects.select_for_update().get(pk=version.pk)
        if version.is_published:
            return version
        version.full_clean()
        latest = version.checklist.versions.aggregate(latest=Max("number"))["latest"] or 0
        version.number = latest + 1
        version.published_at = timezone.now()
        version.published_by = user if user is not None and user.is_authenticated else None
        version.save(update_fields=["number", "published_at", "published_by"])
    return version


def version_draft_from(*, version: ChecklistVersion, user=None) -> ChecklistVersion:
    """A draft copy of a version to edit: the way to change a published checklist."""
    draft = ChecklistVersion(
        checklist=version.checklist,
        title=version.title,
        title_en=version.title_en,
        label=version.label,
        questions=version.questions,
        sections=version.sections,
        source=_("copy of %(version)s") % {"version": version},
        created_by=user if user is not None and user.is_authenticated else None,
    )
    draft.full_clean()
    draft.save(force_insert=True)
    return draft


def version_update_draft(*, version: ChecklistVersion, **fields) -> ChecklistVersion:
    """Change a draft's title, label, questions or sections; a published version refuses (make a draft from it)."""
    allowed = {"title", "title_en", "label", "questions", "sections"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    with transaction.atomic():
        version = ChecklistVersion.objects.select_for_update().get(pk=version.pk)
        for name, value in fields.items():
            setattr(version, name, normalized(value) if name == "questions" else value)
        version.full_clean()
        version.save(update_fields=sorted(fields))
    return version


def xlsform_import(
    *,
    source,
    category: HotspotCategory,
    phase_kind: str = "",
    user=None,
    publish: bool = True,
    filename: str = "",
) -> tuple[ChecklistVersion, bool, list[Problem]]:
    """Import an XLSForm workbook as a new version of the category's checklist: (version, created, warnings).

    The warnings name the rows whose ignored features (appearance, media, calculations …) were dropped. Raises
    `XLSFormError` (a ValidationError) listing every row it cannot take; nothing is stored then.
    """
    form = read_xlsform(source)
    phase_kind = phase_kind or ""
    label = form.version[:40]
    default_title = category.name + (f" · {PhaseKind(phase_kind).label}" if phase_kind else "")
    with transaction.atomic():
        checklist, _created = checklist_get_or_create(category=category, phase_kind=phase_kind, code=form.form_id)
        version, created = version_create(
            checklist=checklist,
            questions=form.questions,
            sections=form.sections,
            title=form.title or default_title,
            title_en=form.title_en or (category.name_en if not form.title else ""),
            label=label,
            source=f"XLSForm {filename}".strip(),
            user=user,
            publish=publish,
        )
    return version, created, form.warnings
