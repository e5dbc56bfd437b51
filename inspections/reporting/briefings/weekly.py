"""The weekly briefing: every Monday (Celery beat, or cron with ``manage.py send_weekly_briefing``), last week's
briefing of each area a manager oversees, for the campaign phase running then, e-mailed to that area's managers
with the DOCX and XLSX attached, each in the manager's language.

The documents are written in ``BRIEFING_LANGUAGE`` (default: the site's language). A week without a running phase
sends nothing; an area whose briefing fails is reported and its managers get no e-mail that week.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from inspections.models import Briefing, BriefingStatus, Phase
from inspections.reporting.briefings.build import briefing_build
from inspections.reporting.metrics import Period

logger = logging.getLogger(__name__)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class WeeklyRun:
    period: str
    phase: str = ""
    briefings: int = 0
    failed: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    errors: list[str] = field(default_factory=list)


def last_week(today: dt.date) -> Period:
    """Monday to Sunday of the week before the one containing ``today``."""
    monday = today - dt.timedelta(days=today.weekday()) - dt.timedelta(days=7)
    return Period(monday, monday + dt.timedelta(days=6))


def running_phase(period: Period) -> Phase | None:
    """The phase of an active campaign running at the end of the period (the latest started, if several)."""
    return (
        Phase.objects.filter(campaign__active=True, starts_on__lte=period.end, ends_on__gte=period.start)
        .select_related("campaign")
        .order_by("-starts_on", "-pk")
        .first()
    )


def weekly_briefings_send(*, today: dt.date | None = None) -> WeeklyRun:
    period = last_week(today or timezone.localdate())
    run = WeeklyRun(period=f"{period.start.isoformat()}/{period.end.isoformat()}")
    phase = running_phase(period)
    if phase is None:
        return run
    run.phase = str(phase)
    managers = User.objects.filter(role=Role.MANAGER, is_active=True, jurisdiction__isnull=False).exclude(email="")
    by_scope: dict[int, list[User]] = defaultdict(list)
    for manager in managers.order_by("pk"):
        by_scope[manager.jurisdiction_id].append(manager)
    language = getattr(settings, "BRIEFING_LANGUAGE", "") or settings.LANGUAGE_CODE
    for scope_id, people in by_scope.items():
        briefing = Briefing.objects.create(
            scope_id=scope_id,
            phase=phase,
            period_start=period.start,
            period_end=period.end,
            language=language,
            scheduled=True,
        )
        briefing = briefing_build(briefing.pk)
        run.briefings += 1
        if briefing.status != BriefingStatus.DONE:
            run.failed += 1
            run.errors.append(f"{briefing.scope}: {briefing.error}")
            continue
        for person in people:
            try:
                briefing_email(briefing, person).send()
            except Exception as error:  # any failure of the mail backend: counted and logged, the others still go
                logger.warning("Weekly briefing %s to %s failed: %s", briefing.pk, person, error)
                run.emails_failed += 1
                run.errors.append(f"{person.email}: {type(error).__name__}: {error}")
            else:
                run.emails_sent += 1
    return run


def briefing_email(briefing: Briefing, recipient: User) -> EmailMultiAlternatives:
    """The e-mail of a briefing to one person, in their language, with the DOCX and XLSX attached."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {
            "recipient": recipient,
            "briefing": briefing,
            "scope": briefing.scope.display_name if briefing.scope_id else "",
            "phase": str(briefing.phase),
            "url": settings.SITE_URL + reverse("briefings:list"),
        }
        subject = " ".join(render_to_string("inspections/email/briefing_subject.txt", context).split())
        text = render_to_string("inspections/email/briefing.txt", context)
        html = render_to_string("inspections/email/briefing.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    for field_file, mime in ((briefing.docx, DOCX_TYPE), (briefing.xlsx, XLSX_TYPE)):
        with field_file.open("rb") as stored:
            message.attach(field_file.name.rsplit("/", 1)[-1], stored.read(), mime)
    return message
