"""Rounds in the admin, scoped like the rounds pages: a staff manager sees their area's rounds, is offered only
their area's jurisdictions, hotspots and inspectors, and the stops must lie in the round's area. Inspectors
never plan rounds, whatever admin rights they were given."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.admin import PlaceScopedAdmin, keep_stored_choices
from geo.models import Hotspot, Jurisdiction
from inspections.models import Round, RoundStop
from inspections.permissions import can_change_round, can_plan_rounds
from inspections.rounds.selectors import rounds_for_user
from inspections.rounds.services import assignable_inspectors

OUTSIDE_CHOICE = _("Choose one inside your area: this one lies outside it or no longer exists.")


class StopFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        area = self.instance.jurisdiction if self.instance.jurisdiction_id else None
        for form in self.forms:
            hotspot = form.cleaned_data.get("hotspot") if hasattr(form, "cleaned_data") else None
            if hotspot is None or form.cleaned_data.get("DELETE") or area is None:
                continue
            if not hotspot.jurisdiction.code.startswith(area.code):
                raise ValidationError(
                    _("%(hotspot)s lies outside the round's area %(area)s.") % {"hotspot": hotspot, "area": area}
                )


class RoundStopInline(PlaceScopedAdmin, admin.TabularInline):
    model = RoundStop
    formset = StopFormSet
    extra = 0
    fields = ["order", "hotspot"]
    ordering = ["order"]


class RoundAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_stored_choices(self, {Jurisdiction, Hotspot})


@admin.register(Round)
class RoundAdmin(PlaceScopedAdmin, admin.ModelAdmin):
    form = RoundAdminForm
    list_display = ["title", "day", "phase", "jurisdiction", "created_by", "created_at"]
    list_filter = ["phase__campaign", ("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "stops__hotspot__name"]
    date_hierarchy = "day"
    filter_horizontal = ["inspectors"]
    readonly_fields = ["selection", "created_by", "created_at"]
    inlines = [RoundStopInline]

    def get_queryset(self, request):
        return rounds_for_user(request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "inspectors":
            kwargs["queryset"] = assignable_inspectors(request.user)
            kwargs["error_messages"] = {"invalid_choice": OUTSIDE_CHOICE, "invalid_pk_value": OUTSIDE_CHOICE}
            return admin.ModelAdmin.formfield_for_manytomany(self, db_field, request, **kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return can_plan_rounds(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        allowed = can_plan_rounds(request.user) and super().has_change_permission(request, obj)
        return allowed and (obj is None or can_change_round(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = can_plan_rounds(request.user) and super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_change_round(request.user, obj))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by, obj.created_at = request.user, timezone.now()
        obj.full_clean()
        super().save_model(request, obj, form, change)
