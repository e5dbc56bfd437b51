"""django-axes under a name its admin section can show in the reader's language (its own AppConfig has none)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login throttling")

    def ready(self):
        super().ready()
        from axes.admin import AccessAttemptAdmin

        # The attempts list's remaining-attempts column has no label of its own, so Django would print "Status".
        AccessAttemptAdmin.status.short_description = _("Status")
        AccessAttemptAdmin.expiration.short_description = _("Expires At")
