from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobileFormsConfig(AppConfig):
    name = "mobile_forms"
    verbose_name = _("Checklists and tablet app")

    def ready(self):
        from accounts.workplaces import register
        from mobile_forms.workplaces import field_app, managers_app

        register(field_app, order=10)
        register(managers_app, order=40)
