import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inspections.reporting.briefings.weekly import weekly_briefings_send


class Command(BaseCommand):
    help = (
        "Build last week's briefing (DOCX and XLSX) of every area a manager oversees, for the campaign phase running "
        "then, and e-mail it to that area's managers. Run it once a week, e.g. Mondays at 07:30 from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD): brief the week before it.")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(_("--today must be a date written YYYY-MM-DD.")) from error
        run = weekly_briefings_send(today=today)
        if not run.phase:
            self.stdout.write(_("No campaign phase ran in %(period)s: no briefing sent.") % {"period": run.period})
            return
        self.stdout.write(
            _(
                "%(period)s, %(phase)s: %(briefings)d briefings (%(failed)d failed), %(sent)d e-mails sent, "
                "%(unsent)d failed."
            )
            % {
                "period": run.period,
                "phase": run.phase,
                "briefings": run.briefings,
                "failed": run.failed,
                "sent": run.emails_sent,
                "unsent": run.emails_failed,
            }
        )
        for error in run.errors:
            self.stderr.write(error)
        if run.failed or run.emails_failed:
            raise CommandError(_("Some briefings or e-mails failed; see above."))
