"""People in the admin, scoped like the places: a manager sees and edits the people of their jurisdiction's subtree,
places them only there, and hands out neither the administrator role nor staff status, groups or permissions.

``accounts`` imports no other app, so the places are reached through the user's own relations."""

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.autocomplete import SafeAutocompleteAdmin
from accounts.models import Role, User
from accounts.permission_labels import permission_label, translate_permission_choices
from accounts.roles import is_admin
from accounts.selectors import people_for_user

OUTSIDE_CHOICE = _("Choose one inside your area: this one lies outside it or no longer exists.")
PLACES = {"jurisdiction", "unit"}
RIGHTS = ["is_staff", "is_superuser", "groups", "user_permissions"]
RIGHTS_SHOWN = {"user_permissions": "user_permissions_display"}


def places_for(editor, field_name: str):
    """The jurisdictions or units (`field_name` of User) this person may give someone."""
    model = User._meta.get_field(field_name).related_model
    if is_admin(editor):
        return model._default_manager.all()
    root = editor.scope_root()
    if root is None:
        return model._default_manager.none()
    return model._default_manager.filter(root.subtree_q("" if field_name == "jurisdiction" else "jurisdiction__"))


class PlacedInScope:
    """Mixed into the user admin's forms: a person a manager adds or edits must stay inside the manager's area."""

    scope_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A place already given stays acceptable unchanged (someone of this area may belong to a unit above it).
        for name in PLACES & self.fields.keys():
            stored = self.initial.get(name) if self.instance.pk else None
            if stored is not None:
                field = self.fields[name]
                field.queryset = field.queryset | field.queryset.model._default_manager.filter(pk=stored)

    def clean(self):
        cleaned = super().clean()
        placed = "jurisdiction" in self.fields and "unit" in self.fields
        unplaced = placed and not (cleaned.get("jurisdiction") or cleaned.get("unit") or self.errors.keys() & PLACES)
        if unplaced and not is_admin(self.scope_user):
            self.add_error(
                "jurisdiction", ValidationError(_("Give this person a jurisdiction or a unit inside your area."))
            )
        return cleaned


@admin.register(User)
class UserAdmin(SafeAutocompleteAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "unit", "jurisdiction", "is_active"]
    list_filter = ["role", "is_active", "is_staff", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    autocomplete_fields = ["unit", "jurisdiction"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role and place"), {"fields": ("role", "unit", "jurisdiction", "phone")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role and place"), {"fields": ("role", "unit", "jurisdiction")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=people_for_user(request.user))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if is_admin(request.user) else readonly + RIGHTS + ["user_permissions_display"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_admin(request.user):
            return fieldsets
        # Read-only, the permissions would read as Django stores them (English): their translated list instead.
        return [
            (name, {**options, "fields": [RIGHTS_SHOWN.get(f, f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("jurisdiction", "unit"):
            kwargs["queryset"] = places_for(request.user, db_field.name)
            kwargs["error_messages"] = {"invalid_choice": OUTSIDE_CHOICE}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not is_admin(request.user):
            kwargs["choices"] = [(value, label) for value, label in Role.choices if value != Role.ADMIN]
            kwargs["error_messages"] = {"invalid_choice": _("Only administrators make administrators.")}
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form)(form.__name__, (PlacedInScope, form), {"scope_user": request.user})

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return translate_permission_choices(formfield) if db_field.name == "user_permissions" else formfield

    @admin.display(description=_("User permissions"))
    def user_permissions_display(self, obj):
        """The read-only list of a person's permissions (what a manager sees), translated like the widget."""
        permissions = obj.user_permissions.select_related("content_type") if obj is not None else []
        return ", ".join(permission_label(permission) for permission in permissions) or "–"


class GroupAdmin(BaseGroupAdmin):
    """Django's own, with the permission widget's choices in the reader's language."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return translate_permission_choices(formfield) if db_field.name == "permissions" else formfield


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """Axes' own, whose "clean up expired attempts" reads the time of a sign-in attempt from the request: only a
    sign-in request has one, so from the admin the action failed with a 500. The clean-up counts from now."""

    @admin.action(description=axes_admin.AccessAttemptAdmin.cleanup_expired_attempts.short_description)
    def cleanup_expired_attempts(self, request, queryset):
        request.axes_attempt_time = timezone.now()
        return super().cleanup_expired_attempts(request, queryset)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
