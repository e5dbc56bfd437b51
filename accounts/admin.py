from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "unit", "jurisdiction", "is_active"]
    list_filter = ["role", "is_active", "is_staff", "unit"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    autocomplete_fields = ["unit", "jurisdiction"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role and place"), {"fields": ("role", "unit", "jurisdiction", "phone")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role and place"), {"fields": ("role", "unit", "jurisdiction")}),)
