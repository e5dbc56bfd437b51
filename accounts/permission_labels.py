"""Permission names as people read them, in their language.

Django stores a model's permissions with English names ("Can add user") made when the tables are migrated, and
shows ``str(permission)``, so the admin's permission widgets read English whatever the language. The four default
permissions are named again here from their codename and the model's translated verbose name; any other permission
is looked up in the catalogue by its stored name.
"""

from django.contrib.auth.models import Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DEFAULT_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_name(permission: Permission) -> str:
    """The permission's own name (without its app and model), translated."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in DEFAULT_ACTIONS and model_name == model._meta.model_name:
        return str(DEFAULT_ACTIONS[action]) % {"model": model._meta.verbose_name}
    return gettext(permission.name)


def permission_label(permission: Permission) -> str:
    """As ``str(permission)`` ("app | model | name"), translated: the app's and the model's verbose names already
    are; the name is made so."""
    return f"{permission.content_type} | {permission_name(permission)}"


def translate_permission_choices(formfield):
    """Label a permission form field's choices with ``permission_label`` (the field as given, for chaining)."""
    if formfield is not None:
        formfield.label_from_instance = permission_label
    return formfield
