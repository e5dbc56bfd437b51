import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from backup.errors import BackupError
from backup.services import backup_create


def default_path() -> Path:
    folder = Path(os.environ.get("BACKUP_DIR") or Path(settings.VAR_DIR) / "backups")
    return folder / f"wenming-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


class Command(BaseCommand):
    help = (
        "Back up the database and every media file into one tar.gz archive with a manifest (row counts, "
        "checksums). Safe while the app runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", nargs="?", type=Path, help="Where to write (default: $BACKUP_DIR/wenming-<time>.tar.gz)."
        )
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="Leave the media out (for S3 storage, whose bucket keeps its own versions).",
        )

    def handle(self, *args, archive: Path | None, database_only: bool, **options):
        path = (archive or default_path()).resolve()
        started = time.monotonic()
        try:
            document = backup_create(path=path, database_only=database_only)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] < 1:
            return
        rows = sum(entry["rows"] for entry in document["tables"].values())
        media = document["media"]
        self.stdout.write(
            f"Backed up {document['database']['vendor']} database ({len(document['tables'])} tables, {rows} rows) "
            f"and {len(media['files'])} media files ({media['bytes'] / 1e6:.1f} MB) "
            f"in {time.monotonic() - started:.1f} s: {path} ({path.stat().st_size / 1e6:.1f} MB)"
        )
