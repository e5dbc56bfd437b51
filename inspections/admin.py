from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin, LeafletGeoAdminMixin

from geo.admin_display import ReadOnlyGeometryAdmin, geometry_on_map, readable_position
from geo.selectors import units_for_user
from inspections.evidence.public_reports import reporting_client_create
from inspections.models import (
    Campaign,
    Finding,
    Inspection,
    Notification,
    Phase,
    Photo,
    PhotoFlag,
    ProblemType,
    PublicReport,
    ReportingClient,
    Task,
    TaskEvent,
    WebhookDelivery,
)
from inspections.rectification.workflow import action_label
from inspections.selectors import findings_for_user, inspections_for_user, photos_for_user, tasks_for_user


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "active"]
    list_filter = ["active"]
    search_fields = ["name", "name_en"]
    inlines = [PhaseInline]


@admin.register(ProblemType)
class ProblemTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "name_en",
        "default_severity",
        "deadline_days_minor",
        "deadline_days_major",
        "deadline_days_severe",
        "sort_order",
        "active",
    ]
    list_filter = ["default_severity", "active", "categories"]
    list_editable = ["deadline_days_minor", "deadline_days_major", "deadline_days_severe", "sort_order", "active"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["categories"]


class ReadOnlyEvidence:
    """Evidence comes from the field: the admin shows it and never edits it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FindingInline(ReadOnlyEvidence, LeafletGeoAdminMixin, admin.StackedInline):
    model = Finding
    extra = 0
    fields = [
        "problem_type",
        "severity",
        "description",
        "location_text",
        "routed_unit",
        "routing_rule",
        "likely_duplicate_of",
    ]
    readonly_fields = ["location_text"]
    show_change_link = True

    @admin.display(description=_("location"))
    def location_text(self, finding):
        return readable_position(finding.location)


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyEvidence, LeafletGeoAdmin):
    list_display = ["started_at", "hotspot", "jurisdiction", "inspector", "phase"]
    list_filter = ["phase__campaign", "phase__kind", ("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["hotspot__name", "inspector__username", "inspector__first_name", "inspector__last_name"]
    date_hierarchy = "started_at"
    inlines = [FindingInline]

    def get_queryset(self, request):
        return inspections_for_user(request.user)


class PhotoFlagInline(ReadOnlyEvidence, admin.TabularInline):
    model = PhotoFlag
    fk_name = "photo"
    extra = 0


class PhotoInline(ReadOnlyEvidence, admin.TabularInline):
    model = Photo
    extra = 0
    fields = ["role", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Finding)
class FindingAdmin(ReadOnlyEvidence, ReadOnlyGeometryAdmin, LeafletGeoAdmin):
    geometry_shown = ("location",)
    list_display = ["created_at", "problem_type", "severity", "jurisdiction", "routed_unit", "routing_rule", "is_open"]
    list_filter = [
        "problem_type",
        "severity",
        "is_open",
        "routing_rule",
        ("jurisdiction", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["description", "inspection__hotspot__name"]
    inlines = [PhotoInline]

    def get_queryset(self, request):
        return findings_for_user(request.user)

    @admin.display(description=_("location"))
    def location_display(self, finding):
        return geometry_on_map("location", finding.location)


@admin.register(Photo)
class PhotoAdmin(ReadOnlyEvidence, admin.ModelAdmin):
    list_display = ["uploaded_at", "finding", "role", "uploaded_by"]
    list_filter = ["role", "flags__code"]
    inlines = [PhotoFlagInline]

    def get_queryset(self, request):
        return photos_for_user(request.user)


class TaskEventInline(ReadOnlyEvidence, admin.TabularInline):
    model = TaskEvent
    extra = 0
    fields = ["at", "move", "from_status", "to_status", "actor", "unit", "due_at", "note", "position_text"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description=_("action"))
    def move(self, event):
        return action_label(event.action)

    @admin.display(description=_("device position"))
    def position_text(self, event):
        return readable_position(event.position) if event.position is not None else "–"


@admin.register(Task)
class TaskAdmin(ReadOnlyEvidence, ReadOnlyGeometryAdmin, LeafletGeoAdmin):
    """Tasks move only through the workflow (the task pages and the API): here they are read, with their trail."""

    geometry_shown = ("location",)

    list_display = ["registered_at", "finding", "unit", "status", "due_at", "rework_count", "extension_count"]
    list_filter = [
        "status",
        "origin",
        ("unit", admin.RelatedOnlyFieldListFilter),
        ("jurisdiction", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["finding__description", "unit__name", "hotspot__name"]
    date_hierarchy = "registered_at"
    inlines = [TaskEventInline]

    def get_queryset(self, request):
        return tasks_for_user(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("location"))
    def location_display(self, task):
        return geometry_on_map("location", task.location)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyEvidence, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "task", "read_at", "emailed_at"]
    list_filter = ["event"]
    search_fields = ["recipient__username", "key"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(task__in=tasks_for_user(request.user))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyEvidence, admin.ModelAdmin):
    list_display = ["created_at", "unit", "event", "sent_at", "attempts", "status_code"]
    list_filter = ["event", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["key", "last_error"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit__in=units_for_user(request.user))


from inspections.rectification import calendar_admin  # noqa: F401, E402  (calendar days)


@admin.register(ReportingClient)
class ReportingClientAdmin(admin.ModelAdmin):
    """Open311 clients: adding one makes its key, shown once; a client is deactivated, never deleted (its reports
    keep it)."""

    list_display = ["name", "key_prefix", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", "key_prefix", "active", "account", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["key_prefix", "account", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = reporting_client_create(name=form.cleaned_data["name"])
        obj.pk, obj.account, obj.key_prefix, obj.key_hash = (
            client.pk,
            client.account,
            client.key_prefix,
            client.key_hash,
        )
        obj.created_at = client.created_at
        messages.warning(
            request,
            _("The API key of %(name)s, shown this once (only its hash is kept): %(key)s")
            % {"name": client.name, "key": key},
        )


@admin.register(PublicReport)
class PublicReportAdmin(ReadOnlyEvidence, admin.ModelAdmin):
    """Citizens' reports with what came with them, the reporter's contact included: administrators only."""

    list_display = ["received_at", "client", "finding", "address_string"]
    list_filter = ["client"]
    search_fields = ["address_string", "finding__description"]
    date_hierarchy = "received_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        return False


from inspections.rounds import admin as rounds_admin  # noqa: F401, E402  (inspection rounds)
