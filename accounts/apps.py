from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts.workplaces import administration, api_documentation, register

        register(administration, order=80)
        register(api_documentation, order=90)
