"""Working days and working hours on the official Chinese calendar, including make-up working days (调休).

Which days are working days:

1. a ``CalendarDay`` row for the date wins (the office's data: future years, local changes);
2. else the ``chinese_calendar`` package (State Council notices, 2004 to the last year it ships);
3. else, in a year beyond the package for which the office has entered at least one ``CalendarDay`` row, the
   Monday–Friday rule: the office enters a whole year's holidays and make-up days at once, when they are published;
4. else ``CalendarUnknown``: a year nobody has described is refused, never guessed from the weekends, because a
   guess would silently set wrong deadlines around the Spring Festival.

Working time is the business day of every working day, from ``settings.WORKDAY_START`` to ``settings.WORKDAY_END``
(defaults "09:00" and "18:00", local time of ``settings.TIME_ZONE``) as one interval: the lunch break is not taken
out. One working day is that many working hours (9 by default), so ``working_days_between`` is
``working_hours_between`` divided by the length of the business day.

Every datetime must be aware; results are aware datetimes in ``settings.TIME_ZONE``. The module-level functions read
the overrides afresh on each call; ``WorkCalendar`` keeps them for its lifetime (one query per year), for loops
such as metrics over many tasks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import CalendarDay

# More days off in a row than this means the calendar data are wrong, not that the office is closed.
MAX_DAYS_OFF_IN_A_ROW = 60


class CalendarError(Exception):
    """The working-day calendar cannot answer."""


class CalendarUnknown(CalendarError):
    """Neither the calendar package nor the office's calendar days describe this year."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The working-day calendar for %(year)s is unknown. An administrator must add that year's holidays "
                "and make-up working days under Calendar days."
            )
            % {"year": year}
        )


@dataclass(frozen=True)
class BusinessHours:
    start: dt.time
    end: dt.time

    @property
    def length(self) -> dt.timedelta:
        return dt.datetime.combine(dt.date.min, self.end) - dt.datetime.combine(dt.date.min, self.start)

    @property
    def hours(self) -> float:
        return self.length.total_seconds() / 3600


def _setting_time(name: str, default: str) -> dt.time:
    value = getattr(settings, name, default)
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a time such as {default!r}, not {value!r}.") from error


def business_hours() -> BusinessHours:
    """The business day from settings; ImproperlyConfigured when it is not a positive interval."""
    hours = BusinessHours(_setting_time("WORKDAY_START", "09:00"), _setting_time("WORKDAY_END", "18:00"))
    if hours.start >= hours.end:
        raise ImproperlyConfigured("WORKDAY_START must be earlier than WORKDAY_END.")
    return hours


class WorkCalendar:
    """The calendar with the office's overrides read once per year and kept; use one per request or job."""

    def __init__(self, *, hours: BusinessHours | None = None, tz: Any = None):
        self.hours = hours or business_hours()
        self.tz = tz or timezone.get_default_timezone()
        self._overrides: dict[int, dict[dt.date, bool]] = {}
        self._added: dict[tuple[dt.datetime, int], dt.datetime] = {}  # a batch of tasks shares a few deadlines

    # Days

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = self._local(day).date()
        overrides = self._overrides_of(day.year)
        if day in overrides:
            return overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # the package has no data for this year
            pass
        if overrides:
            return day.weekday() < 5
        raise CalendarUnknown(day.year)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day after ``day``."""
        return self._step(day, +1)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day before ``day``."""
        return self._step(day, -1)

    # Instants

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The same local time of day ``days`` working days later.

        A start outside business hours counts from the next start of business: Saturday 10:00 + 1 is Tuesday
        09:00 when Monday and Tuesday are working days; Monday 20:00 + 1 is Wednesday 09:00; Monday 07:00 + 1 is
        Tuesday 09:00. (A finding synced at night is not due at night.)
        """
        if days < 0:
            raise ValueError(_("The number of working days cannot be negative."))
        if (start, days) not in self._added:
            self._added[start, days] = self._add_working_days(start, days)
        return self._added[start, days]

    def _add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        local = self._local(start)
        day, time = local.date(), local.time()
        if not self.is_working_day(day) or time >= self.hours.end:
            day, time = self.next_working_day(day), self.hours.start
        elif time < self.hours.start:
            time = self.hours.start
        for _step in range(days):
            day = self.next_working_day(day)
        return self._at(day, time)

    def working_hours_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working hours from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        a, b = self._local(a), self._local(b)
        if b < a:
            return -self.working_hours_between(b, a)
        total = dt.timedelta()
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                opens, closes = self._at(day, self.hours.start), self._at(day, self.hours.end)
                begin, end = max(a, opens), min(b, closes)
                if end > begin:
                    total += end - begin
            day += dt.timedelta(days=1)
        return total.total_seconds() / 3600

    def working_days_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working days from ``a`` to ``b`` (working hours over the length of the business day)."""
        return self.working_hours_between(a, b) / self.hours.hours

    def subtract_working_hours(self, deadline: dt.datetime, hours: float) -> dt.datetime:
        """The latest instant with ``hours`` working hours left before ``deadline``.

        Monday 13:00 − 4 h is Monday 09:00; Monday 10:00 − 4 h is the last working day before it at 15:00.
        """
        if hours < 0:
            raise ValueError(_("The number of working hours cannot be negative."))
        local = self._local(deadline)
        remaining = dt.timedelta(hours=hours)
        if not remaining:
            return local
        day, cursor = local.date(), local
        if not self.is_working_day(day):
            day = self.previous_working_day(day)
            cursor = self._at(day, self.hours.end)
        while True:
            opens = self._at(day, self.hours.start)
            end = min(cursor, self._at(day, self.hours.end))
            if end > opens:
                if remaining <= end - opens:
                    return end - remaining
                remaining -= end - opens
            day = self.previous_working_day(day)
            cursor = self._at(day, self.hours.end)

    # Internals

    def _overrides_of(self, year: int) -> dict[dt.date, bool]:
        if year not in self._overrides:
            rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
            self._overrides[year] = dict(rows)
        return self._overrides[year]

    def _step(self, origin: dt.date, direction: int) -> dt.date:
        day = origin
        for _offset in range(MAX_DAYS_OFF_IN_A_ROW + 1):
            day += dt.timedelta(days=direction)
            if self.is_working_day(day):
                return day
        raise CalendarError(
            _("No working day within %(days)s days of %(date)s: check the calendar days.")
            % {"days": MAX_DAYS_OFF_IN_A_ROW, "date": origin.isoformat()}
        )

    def _local(self, value: dt.datetime) -> dt.datetime:
        if timezone.is_naive(value):
            raise ValueError(_("Working-time arithmetic needs an aware datetime."))
        return value.astimezone(self.tz)

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, time), self.tz)


def unknown_year_within(start: dt.datetime, days: int) -> int | None:
    """The first year the calendar cannot describe within ``days`` working days of ``start``, or None: a deadline
    that far would be left empty, so the office should enter that year now."""
    try:
        WorkCalendar().add_working_days(start, days)
    except CalendarUnknown as error:
        return error.year
    return None


def is_working_day(day: dt.date) -> bool:
    """True on a working day (a make-up weekend day included); raises CalendarUnknown for an undescribed year."""
    return WorkCalendar().is_working_day(day)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """A deadline ``days`` working days after ``start``, at the same local time of day (see ``WorkCalendar``)."""
    return WorkCalendar().add_working_days(start, days)


def working_hours_between(a: dt.datetime, b: dt.datetime) -> float:
    """Working hours from ``a`` to ``b`` within the business day; negative when ``b`` is before ``a``."""
    return WorkCalendar().working_hours_between(a, b)


def working_days_between(a: dt.datetime, b: dt.datetime) -> float:
    """Working days from ``a`` to ``b``, fractional, for handling times."""
    return WorkCalendar().working_days_between(a, b)


def subtract_working_hours(deadline: dt.datetime, hours: float) -> dt.datetime:
    """The latest instant ``hours`` working hours before ``deadline``, e.g. when "deadline approaching" is due."""
    return WorkCalendar().subtract_working_hours(deadline, hours)
