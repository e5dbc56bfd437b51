import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backup.errors import BackupError
from backup.services import backup_restore


class Command(BaseCommand):
    help = (
        "Replace the configured database and media by those of a backup archive, after checking its manifest and "
        "every checksum; then compare the instance with the manifest. Stop the app and its workers first."
    )
    requires_system_checks = []  # the database may be empty or gone: that is what a restore is for

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="Restore the database and leave the media as they are (S3 storage, or media restored apart).",
        )

    def handle(self, *args, archive: Path, database_only: bool, **options):
        started = time.monotonic()
        try:
            report = backup_restore(path=archive.resolve(), database_only=database_only)
        except BackupError as error:
            raise CommandError(str(error)) from error
        document = report.manifest
        rows = sum(entry["rows"] for entry in document["tables"].values())
        media = document["media"]
        self.stdout.write(
            f"Restored the backup of {document['created_at']} (commit {document['app'].get('git_commit')}): "
            f"{len(document['tables'])} tables, {rows} rows"
            + (f", {len(media['files'])} media files ({media['bytes'] / 1e6:.1f} MB)" if report.media_restored else "")
            + f" in {time.monotonic() - started:.1f} s."
        )
        self.stdout.write("Row counts, table digests and file checksums match the manifest.")
        if not report.media_restored:
            self.stdout.write(self.style.WARNING("The media were left as they are."))
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"This code has {len(report.pending_migrations)} migrations the backup lacks: "
                    "run `manage.py migrate` now."
                )
            )
