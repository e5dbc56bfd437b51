"""Checklists in the admin: list and inspect versions, import an XLSForm, publish drafts, download as XLSForm.

A published version is read-only. To change a checklist, import a new XLSForm, or make a draft from a version
("New draft from the selected version"), edit its questions, and publish it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from geo.models import HotspotCategory
from inspections.models import PhaseKind
from mobile_forms.models import Checklist, ChecklistVersion
from mobile_forms.services import version_draft_from, version_publish, version_update_draft, xlsform_import
from mobile_forms.xlsform import XLSFormError, write_xlsform


def _section_label(section: dict) -> str:
    english = (get_language() or "").startswith("en")
    return (english and section.get("label_en")) or section.get("label", "")


MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class VersionInline(admin.TabularInline):
    model = ChecklistVersion
    extra = 0
    fields = ["link", "label", "title", "published_at", "published_by", "created_by", "source"]
    readonly_fields = fields
    ordering = ["-published_at", "-created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("version"))
    def link(self, version):
        url = reverse("admin:mobile_forms_checklistversion_change", args=[version.pk])
        return format_html('<a href="{}">{}</a>', url, version_number(version))


def version_number(version) -> str:
    return f"v{version.number}" if version.number else _("draft")


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "phase_kind", "active", "latest", "version_count"]
    list_filter = ["category", "phase_kind", "active"]
    search_fields = ["code", "versions__title", "versions__title_en"]
    inlines = [VersionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .annotate(latest_number=Max("versions__number"), count=Count("versions", distinct=True))
        )

    def get_readonly_fields(self, request, obj=None):
        # The scope of a checklist that has versions is part of what they mean.
        return ["code", "category", "phase_kind"] if obj is not None and obj.versions.exists() else []

    @admin.display(description=gettext_lazy("version in force"), ordering="latest_number")
    def latest(self, checklist):
        return f"v{checklist.latest_number}" if checklist.latest_number else "—"

    @admin.display(description=gettext_lazy("versions"), ordering="count")
    def version_count(self, checklist):
        return checklist.count


class PublishedFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("published", _("published")), ("draft", _("draft"))]

    def queryset(self, request, queryset):
        if self.value() == "published":
            return queryset.filter(published_at__isnull=False)
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True)
        return queryset


class DraftForm(forms.ModelForm):
    class Meta:
        model = ChecklistVersion
        fields = ["label", "title", "title_en", "questions"]


class XLSFormImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("XLSForm workbook (.xlsx)"),
        help_text=gettext_lazy("survey and choices sheets, optionally settings; see the supported subset below."),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("hotspot category"), queryset=HotspotCategory.objects.filter(active=True)
    )
    phase_kind = forms.ChoiceField(
        label=gettext_lazy("phase"),
        required=False,
        choices=[("", gettext_lazy("every phase"))] + list(PhaseKind.choices),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("publish at once"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Otherwise it is kept as a draft to review and publish later."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file has %(size)d bytes; at most %(max)d are accepted.")
                % {"size": upload.size, "max": MAX_UPLOAD_BYTES}
            )
        return upload


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    form = DraftForm
    list_display = [
        "checklist",
        "number_display",
        "label",
        "title",
        "status",
        "published_at",
        "published_by",
        "created_by",
        "source",
    ]
    list_filter = [PublishedFilter, "checklist__category", "checklist__phase_kind"]
    search_fields = ["checklist__code", "title", "title_en", "label"]
    list_select_related = ["checklist", "published_by", "created_by"]
    readonly_fields = [
        "checklist",
        "number_display",
        "status",
        "source",
        "created_at",
        "created_by",
        "published_at",
        "published_by",
        "download",
        "questions_table",
    ]
    actions = ["publish_drafts", "new_draft"]
    change_list_template = "admin/mobile_forms/checklistversion/change_list.html"

    def get_queryset(self, request):
        latest = (
            ChecklistVersion.objects.filter(checklist=OuterRef("checklist"), number__isnull=False)
            .order_by("-number")
            .values("number")[:1]
        )
        qs = super().get_queryset(request).select_related("checklist", "published_by", "created_by")
        return qs.annotate(latest_number=Subquery(latest))

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [
                "checklist",
                "number_display",
                "status",
                "label",
                "title",
                "title_en",
                "source",
                "created_at",
                "created_by",
                "published_at",
                "published_by",
                "download",
                "questions_table",
            ]
        return [*self.readonly_fields[:6], "label", "title", "title_en", "questions", "questions_table", "download"]

    # A version is made by importing or by copying, never from an empty form; a published one never changes.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.filter(published_at__isnull=True))

    def save_model(self, request, obj, form, change):
        saved = version_update_draft(version=obj, **{name: form.cleaned_data[name] for name in form.changed_data})
        obj.refresh_from_db()
        return saved

    # ------------------------------------------------------------ columns and read-only fields
    @admin.display(description=gettext_lazy("version"), ordering="number")
    def number_display(self, version):
        return version_number(version)

    @admin.display(description=gettext_lazy("status"))
    def status(self, version):
        if not version.is_published:
            return _("draft")
        latest = getattr(version, "latest_number", None)
        if latest is None:
            latest = version.checklist.versions.aggregate(latest=Max("number"))["latest"]
        return _("in force") if version.number == latest else _("superseded")

    @admin.display(description=gettext_lazy("XLSForm"))
    def download(self, version):
        if version.pk is None:
            return "—"
        url = reverse("admin:mobile_forms_checklistversion_xlsform", args=[version.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download as XLSForm (to edit and import again)"))

    @admin.display(description=gettext_lazy("questions as shown"))
    def questions_table(self, version):
        rows = []
        starts = {
            section["questions"][0]: section
            for section in version.sections or []
            if isinstance(section, dict) and section.get("questions")
        }
        for index, item in enumerate(version.questions or [], start=1):
            if not isinstance(item, dict):
                continue
            if item.get("name") in starts:
                rows.append(
                    format_html(
                        '<tr class="checklist-section"><th colspan="9">{}</th></tr>',
                        _section_label(starts[item["name"]]),
                    )
                )
            relevant = item.get("relevant")
            condition = f"{relevant['question']} = {relevant['value']}" if relevant else ""
            choices = "; ".join(
                f"{choice['value']}: {choice['label']}" + (" ✗" if choice.get("fails") else "")
                for choice in item.get("choices") or []
                if isinstance(choice, dict)
            )
            rows.append(
                format_html(
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                    "<td>{}</td><td>{}</td><td>{}</td></tr>",
                    index,
                    item.get("name", ""),
                    item.get("type", ""),
                    item.get("label", ""),
                    item.get("label_en", ""),
                    "✓" if item.get("required") else "",
                    condition,
                    choices,
                    "" if item.get("deduction") is None else f"{item['deduction']:g}",
                )
            )
        header = format_html_join(
            "",
            "<th>{}</th>",
            [
                (title,)
                for title in (
                    "#",
                    _("name"),
                    _("type"),
                    _("label"),
                    _("English label"),
                    _("required"),
                    _("shown when"),
                    _("choices (✗ fails)"),
                    _("deduction"),
                )
            ],
        )
        body = format_html_join("", "{}", ((row,) for row in rows))
        return format_html(
            '<table class="checklist-questions"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', header, body
        )

    # ------------------------------------------------------------ actions
    @admin.action(description=gettext_lazy("Publish the selected drafts"), permissions=["change"])
    def publish_drafts(self, request, queryset):
        published = 0
        for version in queryset.filter(published_at__isnull=True).order_by("created_at"):
            try:
                version_publish(version=version, user=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {'; '.join(exc.messages)}", messages.ERROR)
                continue
            published += 1
        self.message_user(
            request,
            ngettext("%(count)d version published.", "%(count)d versions published.", published) % {"count": published},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("New draft from the selected version"), permissions=["add_draft"])
    def new_draft(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version to copy."), messages.WARNING)
            return None
        draft = version_draft_from(version=queryset.get(), user=request.user)
        self.message_user(request, _("Draft made; edit it, then publish it."), messages.SUCCESS)
        return redirect("admin:mobile_forms_checklistversion_change", draft.pk)

    def has_add_draft_permission(self, request):
        return request.user.has_perm("mobile_forms.add_checklistversion")

    # ------------------------------------------------------------ extra views
    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="mobile_forms_checklistversion_import"),
            path(
                "<uuid:pk>/xlsform/",
                self.admin_site.admin_view(self.xlsform_view),
                name="mobile_forms_checklistversion_xlsform",
            ),
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_add_draft_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_add_draft_permission(request):
            raise PermissionDenied
        problems = []
        form = XLSFormImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version, created, warnings = xlsform_import(
                    source=upload,
                    category=form.cleaned_data["category"],
                    phase_kind=form.cleaned_data["phase_kind"],
                    user=request.user,
                    publish=form.cleaned_data["publish"],
                    filename=upload.name,
                )
            except XLSFormError as exc:
                problems = [str(problem) for problem in exc.problems]
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if created:
                    self.message_user(
                        request,
                        ngettext(
                            "Imported %(version)s with %(count)d question.",
                            "Imported %(version)s with %(count)d questions.",
                            len(version.questions),
                        )
                        % {"version": version, "count": len(version.questions)},
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(
                        request,
                        _("Nothing new: %(version)s already has exactly these questions.") % {"version": version},
                        messages.INFO,
                    )
                for warning in warnings:
                    self.message_user(request, _("Dropped: %(warning)s") % {"warning": warning}, messages.WARNING)
                return redirect("admin:mobile_forms_checklistversion_change", version.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import an XLSForm"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/mobile_forms/checklistversion/import_xlsform.html", context)

    def xlsform_view(self, request, pk):
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        response = HttpResponse(
            write_xlsform(version),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{version.checklist.code}-{version_number(version)}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


from mobile_forms import admin_sync  # noqa: F401, E402  (sync refusals and conflicts)
