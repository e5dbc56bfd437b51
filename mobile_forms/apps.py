from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobileFormsConfig(AppConfig):
    name = "mobile_forms"
    verbose_name = _("Checklists and tablet app")
