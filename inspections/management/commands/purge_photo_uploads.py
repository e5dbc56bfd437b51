from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inspections.evidence.uploads import DEFAULT_PURGE_AGE, photo_uploads_purge


class Command(BaseCommand):
    help = "Remove resumable photo uploads that received nothing for a while (default 24 h), with their staged files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=DEFAULT_PURGE_AGE.total_seconds() / 3600,
            help="Remove uploads whose last chunk arrived more than this many hours ago (default: 24).",
        )

    def handle(self, *args, hours: float, **options):
        if hours < 0:
            raise CommandError(_("--hours cannot be negative."))
        result = photo_uploads_purge(older_than=timedelta(hours=hours))
        sessions = ngettext(
            "Removed %(count)d unfinished photo upload.", "Removed %(count)d unfinished photo uploads.", result.sessions
        ) % {"count": result.sessions}
        files = ngettext("Removed %(count)d staged file.", "Removed %(count)d staged files.", result.files) % {
            "count": result.files
        }
        self.stdout.write(f"{sessions} {files}")
