import json

from django.core.management.base import BaseCommand, CommandError

from backup.errors import BackupError
from backup.services import instance_inventory


class Command(BaseCommand):
    help = (
        "Print the instance as a backup manifest describes it (JSON: migrations, per-table row counts and "
        "digests, per-file sha256), to compare two instances."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database-only", action="store_true", help="Leave the media out.")

    def handle(self, *args, database_only: bool, **options):
        try:
            found = instance_inventory(database_only=database_only)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True))
