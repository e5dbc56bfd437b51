"""The admin's autocomplete select, safe to show again with whatever was posted.

Django's widget looks every posted value up when a refused form is shown again, so a tampered POST (`1 OR 1=1`, a
number beyond 64 bits in an id field) raised a 500 instead of showing the form's error. This one leaves out the
values no id can be; the form field still refuses them with its message.
"""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError


class PostedValueSafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [item for item in value if self._could_be_an_id(item)], attr)

    def _could_be_an_id(self, item) -> bool:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        try:
            target.run_validators(target.to_python(item))  # the type, and the range the database can store
        except (ValidationError, TypeError, ValueError):
            return False
        return True


class SafeAutocompleteAdmin(admin.ModelAdmin):
    """A model admin whose `autocomplete_fields` use `PostedValueSafeAutocompleteSelect`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PostedValueSafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
