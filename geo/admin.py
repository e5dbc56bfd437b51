from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from leaflet.admin import LeafletGeoAdmin

from geo.models import Hotspot, HotspotCategory, Jurisdiction, Unit
from geo.selectors import hotspots_for_user, jurisdictions_for_user, units_for_user
from geo.services import hotspot_save, jurisdiction_save, locate_jurisdiction, unit_save
from geo.validation import clean_point_or_polygonal


class ScopedAdmin(LeafletGeoAdmin):
    """Staff who are not administrators see and edit only their own jurisdiction's subtree."""

    selector = None

    def get_queryset(self, request):
        return type(self).selector(request.user)


@admin.register(Jurisdiction)
class JurisdictionAdmin(ScopedAdmin):
    selector = staticmethod(jurisdictions_for_user)
    list_display = ["code", "name", "name_en", "kind", "parent"]
    list_filter = ["kind", "level"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]

    def save_model(self, request, obj, form, change):
        jurisdiction_save(jurisdiction=obj)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    selector = staticmethod(units_for_user)
    list_display = ["name", "kind", "jurisdiction", "routing_priority", "service_area_m2", "contact_phone", "active"]
    list_filter = ["kind", "active", "jurisdiction"]
    search_fields = ["name", "name_en", "contact_name", "contact_phone"]
    autocomplete_fields = ["jurisdiction"]
    readonly_fields = ["service_area_m2"]

    def save_model(self, request, obj, form, change):
        unit_save(unit=obj)


@admin.register(HotspotCategory)
class HotspotCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "color", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    search_fields = ["code", "name", "name_en"]


class HotspotForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        geometry = cleaned.get("geometry")
        if geometry is not None and "geometry" not in self.errors:
            # The jurisdiction is derived from the shape: a shape outside the district is a form error, not a 500.
            try:
                locate_jurisdiction(clean_point_or_polygonal(geometry))
            except ValidationError as exc:
                self.add_error("geometry", exc.messages)
        return cleaned


@admin.register(Hotspot)
class HotspotAdmin(ScopedAdmin):
    selector = staticmethod(hotspots_for_user)
    list_display = ["name", "category", "jurisdiction", "sponsoring_unit", "risk_level", "active"]
    list_filter = ["category", "risk_level", "active", "jurisdiction"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["sponsoring_unit"]
    readonly_fields = ["jurisdiction", "created_at", "updated_at"]
    form = HotspotForm

    def save_model(self, request, obj, form, change):
        hotspot_save(hotspot=obj)
