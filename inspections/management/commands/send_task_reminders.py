from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inspections.rectification.jobs import reminder_job_run


class Command(BaseCommand):
    help = (
        "Tell units about approaching deadlines, escalate overdue tasks to unit heads and managers, and retry "
        "e-mails and group-robot messages that failed. Run it every 10–15 minutes (cron or Celery beat); each "
        "event is sent once."
    )

    def handle(self, *args, **options):
        run = reminder_job_run()
        emails = run.recorded.emails.sent + run.retried.emails.sent
        webhooks = run.recorded.webhooks.sent + run.retried.webhooks.sent
        tallies = (run.recorded.emails, run.retried.emails, run.recorded.webhooks, run.retried.webhooks)
        failed = sum(tally.failed for tally in tallies)
        self.stdout.write(
            _(
                "Overdue: %(overdue)d, deadline approaching: %(approaching)d; sent %(emails)d e-mails and "
                "%(webhooks)d group messages, %(failed)d failed (tried again on the next run)."
            )
            % {
                "overdue": run.overdue,
                "approaching": run.deadline_approaching,
                "emails": emails,
                "webhooks": webhooks,
                "failed": failed,
            }
        )
        if run.deadlines_set:
            self.stdout.write(
                ngettext(
                    "%(count)d task got the deadline that the calendar could not tell when it was dispatched.",
                    "%(count)d tasks got the deadline that the calendar could not tell when they were dispatched.",
                    run.deadlines_set,
                )
                % {"count": run.deadlines_set}
            )
        if run.calendar_unknown:
            self.stderr.write(
                _(
                    "%(count)d tasks got no deadline reminder: the working-day calendar does not know their year. "
                    "Add that year's calendar days."
                )
                % {"count": run.calendar_unknown}
            )
