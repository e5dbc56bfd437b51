"""The places in the admin, and ``PlaceScopedAdmin``: the same scope as the API for every admin that edits them.

Staff who are not administrators see the places of their own jurisdiction's subtree, are offered only those as
choices (units, jurisdictions, hotspots), draw shapes only inside their scope (``geo.scope``), give a new
jurisdiction a parent inside it, and leave routing priorities to administrators.
"""

import functools

from django import forms
from django.contrib import admin
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.gdal import GDALException
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from accounts.autocomplete import SafeAutocompleteAdmin
from accounts.permissions import can_change_routing_priority, can_import_places
from accounts.roles import is_admin
from geo.models import Hotspot, HotspotCategory, Jurisdiction, Unit
from geo.scope import check_inside_scope
from geo.selectors import hotspots_for_user, jurisdictions_for_user, scope_root, units_for_user
from geo.services import hotspot_save, jurisdiction_save, locate_jurisdiction, unit_save
from geo.validation import clean_point_or_polygonal
from geo.web.imports import import_flow

SCOPED_CHOICES = {Jurisdiction: jurisdictions_for_user, Unit: units_for_user, Hotspot: hotspots_for_user}
OUTSIDE_CHOICE = _("Choose one inside your area: this one lies outside it or no longer exists.")


def keep_stored_choices(form, models) -> None:
    """A place already chosen stays acceptable unchanged (a hotspot sponsored from outside keeps its sponsor when
    its address is edited); changing to it is still refused."""
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelMultipleChoiceField) or not isinstance(field, forms.ModelChoiceField):
            continue
        stored = form.initial.get(name) if form.instance.pk else None
        if stored is not None and field.queryset.model in models:
            field.queryset = field.queryset | field.queryset.model._default_manager.filter(pk=stored)


class ScopeChecks:
    """Mixed into an admin's form by ``PlaceScopedAdmin.get_form``: the shapes changed must lie inside the scope."""

    scope_user = None
    scope_geometry_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_stored_choices(self, SCOPED_CHOICES)

    def clean(self):
        cleaned = super().clean()
        for name in self.scope_geometry_fields:
            value = cleaned.get(name)
            if value is None or name not in self.changed_data or name in self.errors:
                continue
            try:
                check_inside_scope(self.scope_user, value)
            except ValidationError as exc:
                self.add_error(name, exc.messages)
        return cleaned


class PlaceScopedAdmin:
    """Any admin: foreign-key and many-to-many choices of places limited to the staff member's scope, and the
    geometry fields named in ``scope_geometry_fields`` checked against it."""

    scope_geometry_fields: tuple[str, ...] = ()

    def scope_choices(self, db_field, request, kwargs):
        selector = SCOPED_CHOICES.get(db_field.related_model)
        if selector is not None:
            kwargs["queryset"] = selector(request.user)
            kwargs.setdefault("error_messages", {})["invalid_choice"] = OUTSIDE_CHOICE
            kwargs["error_messages"]["invalid_pk_value"] = OUTSIDE_CHOICE
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self.scope_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self.scope_choices(db_field, request, kwargs))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        attrs = {"scope_user": request.user, "scope_geometry_fields": self.scope_geometry_fields}
        return type(form)(form.__name__, (ScopeChecks, form), attrs)


class TransformChecked:
    """Mixed into a geometry form field: a shape in a reference system GDAL does not know is a form error. Django
    catches only GEOS's errors when it transforms a shape, so `SRID=999999;POINT(1 1)` raised a 500."""

    def clean(self, value):
        try:
            return super().clean(value)
        except GDALException:
            raise ValidationError(
                _("The shape's coordinate reference system is unknown: draw it on the map, or give WGS84 coordinates.")
            ) from None


@functools.cache
def transform_checked(form_class: type) -> type:
    return type(form_class.__name__, (TransformChecked, form_class), {})


class GISImportAdmin:
    """A tool page ``import/`` under the model's admin: a GIS file → preview → import (``geo.io``)."""

    import_target = ""
    change_list_template = "admin/geo/change_list_import.html"

    def get_urls(self):
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_import"
        return [path("import/", self.admin_site.admin_view(self.import_view), name=name), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        can_import = can_import_places(request.user) and self.has_add_permission(request)
        return super().changelist_view(request, {**(extra_context or {}), "can_import": can_import})

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Import %(things)s from a GIS file") % {"things": opts.verbose_name_plural},
        }
        done = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return import_flow(
            request, template="admin/geo/import.html", context=context, targets=[self.import_target], done_url=done
        )


class ScopedAdmin(PlaceScopedAdmin, SafeAutocompleteAdmin, LeafletGeoAdmin):
    """Staff who are not administrators see and edit only their own jurisdiction's subtree."""

    selector = None

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        if isinstance(db_field, GeometryField):
            kwargs.setdefault("form_class", transform_checked(db_field.form_class))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return type(self).selector(request.user)


class JurisdictionForm(forms.ModelForm):
    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is None and not is_admin(self.scope_user):
            raise ValidationError(_("Choose the jurisdiction this one belongs to, inside your area."))
        return parent


@admin.register(Jurisdiction)
class JurisdictionAdmin(GISImportAdmin, ScopedAdmin):
    import_target = "jurisdictions"
    selector = staticmethod(jurisdictions_for_user)
    form = JurisdictionForm
    scope_geometry_fields = ("boundary",)
    list_display = ["code", "name", "name_en", "kind", "parent"]
    list_filter = ["kind", "level"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]

    def get_readonly_fields(self, request, obj=None):
        # The scope root's place in the tree is what the scope is: only an administrator moves it.
        if obj is not None and not is_admin(request.user) and obj == scope_root(request.user):
            return ["code", "kind", "parent"]
        return []

    def save_model(self, request, obj, form, change):
        jurisdiction_save(jurisdiction=obj)


class UnitForm(forms.ModelForm):
    def clean_routing_priority(self):
        priority = self.cleaned_data.get("routing_priority")
        if "routing_priority" in self.changed_data and not can_change_routing_priority(self.scope_user):
            raise ValidationError(
                _("Only administrators change routing priorities, which win over every community; ask one.")
            )
        return priority


@admin.register(Unit)
class UnitAdmin(GISImportAdmin, ScopedAdmin):
    import_target = "units"
    selector = staticmethod(units_for_user)
    form = UnitForm
    scope_geometry_fields = ("service_area",)
    list_display = ["name", "kind", "jurisdiction", "routing_priority", "service_area_m2", "contact_phone", "active"]
    list_filter = ["kind", "active", ("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "name_en", "contact_name", "contact_phone"]
    autocomplete_fields = ["jurisdiction"]
    readonly_fields = ["service_area_m2"]
    # A webhook typed without a scheme is HTTPS (Django 6's default; says so now instead of warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        unit_save(unit=obj)


@admin.register(HotspotCategory)
class HotspotCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "color", "score_weight", "sort_order", "active"]
    list_editable = ["score_weight", "sort_order", "active"]
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
class HotspotAdmin(GISImportAdmin, ScopedAdmin):
    import_target = "hotspots"
    selector = staticmethod(hotspots_for_user)
    form = HotspotForm
    scope_geometry_fields = ("geometry",)
    list_display = ["name", "category", "jurisdiction", "sponsoring_unit", "risk_level", "active"]
    list_filter = ["category", "risk_level", "active", ("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "address"]
    autocomplete_fields = ["sponsoring_unit"]
    readonly_fields = ["jurisdiction", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        hotspot_save(hotspot=obj)
