"""Entering a year's official arrangement at once: its days off (放假) and make-up working days (调休上班).

The State Council publishes next year's arrangement each autumn as a short list of periods ("春节：2月6日至13日放假
调休，共8天。2月14日（星期日）上班。"). The office copies it in two lists, one line per holiday period or make-up day:

    元旦 2027-01-01 ~ 2027-01-03
    春节 2027-02-06 至 2027-02-13
    2027-02-14 春节调休上班

A line holds one date or a first and a last date (2027-01-01, 2027/1/1 or 2027年1月1日), and any words around them
are its name. Every day of a period is stored as a day off, so the admin's list reads like the notice. A day cannot
be both off and working, and a make-up working day falls on a weekend (else it changes nothing). Nothing is stored
unless every line is understood. Saving gives waiting tasks their deadlines (``tasks_deadlines_fill``).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inspections.models import CalendarDay
from inspections.rectification.tasks import tasks_deadlines_fill

DATE = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
SEPARATORS = " \t:：,，;；~～至到—–-"
LONGEST_PERIOD_DAYS = 31
NAME_LENGTH = CalendarDay._meta.get_field("name").max_length


@dataclass(frozen=True)
class Entered:
    days_off: int
    working_days: int
    created: int
    deadlines_set: int


def calendar_days_enter(*, days_off: str, working_days: str) -> Entered:
    """Store the days of the two lists (replacing what was entered for those dates), or raise ValidationError
    naming each line that cannot be read."""
    off = _days(days_off, "days_off", working=False)
    working = _days(working_days, "working_days", working=True)
    clash = sorted(set(off) & set(working))
    if clash:
        raise ValidationError(
            {"working_days": _("%(date)s is listed both as a day off and as a working day.") % {"date": clash[0]}}
        )
    created = 0
    with transaction.atomic():
        for date, (name, is_working_day) in sorted({**off, **working}.items()):
            _row, is_new = CalendarDay.objects.update_or_create(
                date=date, defaults={"name": name, "is_working_day": is_working_day}
            )
            created += is_new
        filled = tasks_deadlines_fill()
    return Entered(days_off=len(off), working_days=len(working), created=created, deadlines_set=filled)


def _days(text: str, field: str, *, working: bool) -> dict[dt.date, tuple[str, bool]]:
    days: dict[dt.date, tuple[str, bool]] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            dates, name = _read_line(line)
        except ValidationError as error:
            problems.append(_("Line %(number)d: %(problem)s") % {"number": number, "problem": error.messages[0]})
            continue
        if working:
            weekdays = [date for date in dates if date.weekday() < 5]
            if weekdays:
                problems.append(
                    _("Line %(number)d: %(date)s is a weekday; a make-up working day falls on a weekend.")
                    % {"number": number, "date": weekdays[0]}
                )
                continue
        for date in dates:
            days[date] = (name or (_("make-up working day") if working else ""), working)
    if problems:
        raise ValidationError({field: problems})
    return days


def _read_line(line: str) -> tuple[list[dt.date], str]:
    found = list(DATE.finditer(line))
    if not 1 <= len(found) <= 2:
        raise ValidationError(
            _("give one date, or the first and the last day of a period (e.g. 2027-02-06 ~ 2027-02-13).")
        )
    first, last = _date(found[0]), _date(found[-1])
    if last < first:
        raise ValidationError(_("the period ends before it starts."))
    if (last - first).days >= LONGEST_PERIOD_DAYS:
        raise ValidationError(
            _("a period of more than %(days)d days is most likely a typing error.") % {"days": LONGEST_PERIOD_DAYS}
        )
    words = (piece.strip(SEPARATORS) for piece in DATE.split(line)[:: DATE.groups + 1])
    name = " ".join(word for word in words if word)[:NAME_LENGTH]
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)], name


def _date(match: re.Match) -> dt.date:
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError as error:
        raise ValidationError(_("“%(text)s” is not a date.") % {"text": match.group(0).strip()}) from error
