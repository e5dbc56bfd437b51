"""Admin pages for managers: items the sync refused, and second versions of records it did not keep."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.selectors import people_for_user
from mobile_forms.models import SyncConflict, SyncRefusal


class _ReadOnly:
    """Records of what tablets sent: shown to staff whose area holds the sender, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=people_for_user(request.user))

    @admin.display(description=_("item as sent"))
    def pretty_payload(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))


class AcceptedLaterFilter(admin.SimpleListFilter):
    title = _("accepted later")
    parameter_name = "accepted"

    def lookups(self, request, model_admin):
        return [("no", _("Still refused")), ("yes", _("Accepted on a later attempt"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(SyncRefusal)
class SyncRefusalAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["last_seen_at", "user", "device", "item_type", "item_id", "reason", "attempts", "resolved_at"]
    list_filter = [AcceptedLaterFilter, "item_type", "last_seen_at"]
    search_fields = ["item_id", "reason", "device", "user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    date_hierarchy = "last_seen_at"
    fields = [
        "user",
        "device",
        "item_type",
        "item_id",
        "reason",
        "attempts",
        "first_seen_at",
        "last_seen_at",
        "resolved_at",
        "pretty_payload",
    ]
    readonly_fields = fields


@admin.register(SyncConflict)
class SyncConflictAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["last_seen_at", "user", "device", "item_type", "item_id", "differences", "attempts"]
    list_filter = ["item_type", "last_seen_at"]
    search_fields = ["item_id", "device", "user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    date_hierarchy = "last_seen_at"
    fields = [
        "user",
        "device",
        "item_type",
        "item_id",
        "differences",
        "attempts",
        "first_seen_at",
        "last_seen_at",
        "pretty_payload",
    ]
    readonly_fields = fields
