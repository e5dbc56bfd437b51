from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inspections.reporting.scores import deduction_mismatches


class Command(BaseCommand):
    help = (
        "Recompute every inspection's deduction from its stored answers and report those that differ from the "
        "stored one (the scores and rankings rest on it)."
    )

    def handle(self, *args, **options):
        found = 0
        for pk, stored, derived in deduction_mismatches():
            found += 1
            self.stdout.write(
                _("Inspection %(id)s: stored %(stored)s, its answers give %(derived)s.")
                % {"id": pk, "stored": stored, "derived": derived}
            )
        if found:
            raise CommandError(
                ngettext(
                    "%(count)d inspection does not match its answers.",
                    "%(count)d inspections do not match their answers.",
                    found,
                )
                % {"count": found}
            )
        self.stdout.write(_("Every inspection's deduction matches its answers."))
