from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupConfig(AppConfig):
    """Backup and restore of a whole instance (database and media). It knows no project app: it reads the tables
    from Django's model registry and the files from the default storage."""

    name = "backup"
    verbose_name = _("Backup and restore")
