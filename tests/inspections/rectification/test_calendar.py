"""Entering a year's arrangement at once: every line read or nothing saved, days off and make-up days stored."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inspections.models import CalendarDay
from inspections.rectification.calendar import calendar_days_enter
from inspections.rectification.workdays import WorkCalendar

pytestmark = pytest.mark.django_db

# As the office would copy a notice (the dates are made up: 2031 is a year no package knows).
DAYS_OFF = """
元旦 2031-01-01 ~ 2031-01-03
春节：2031年1月22日至2031年1月28日放假
清明节 2031/4/5
"""
WORKING_DAYS = """
2031-01-19 春节调休上班
2031年2月8日
"""


def stored() -> dict[dt.date, tuple[bool, str]]:
    return {day.date: (day.is_working_day, day.name) for day in CalendarDay.objects.all()}


def test_periods_and_make_up_days_are_stored_day_by_day_with_their_names():
    entered = calendar_days_enter(days_off=DAYS_OFF, working_days=WORKING_DAYS)
    assert (entered.days_off, entered.working_days, entered.created) == (11, 2, 13)
    days = stored()
    assert days[dt.date(2031, 1, 2)] == (False, "元旦")
    assert days[dt.date(2031, 1, 25)] == (False, "春节 放假")
    assert days[dt.date(2031, 4, 5)] == (False, "清明节")
    assert days[dt.date(2031, 1, 19)] == (True, "春节调休上班")
    assert days[dt.date(2031, 2, 8)] == (True, "make-up working day")
    calendar = WorkCalendar()
    assert not calendar.is_working_day(dt.date(2031, 1, 22)) and calendar.is_working_day(dt.date(2031, 1, 19))


def test_entering_again_replaces_the_days_and_creates_nothing_twice():
    calendar_days_enter(days_off=DAYS_OFF, working_days=WORKING_DAYS)
    entered = calendar_days_enter(days_off="元旦（调整） 2031-01-01", working_days="")
    assert entered.created == 0
    assert stored()[dt.date(2031, 1, 1)] == (False, "元旦（调整）")
    assert CalendarDay.objects.count() == 13


@pytest.mark.parametrize(
    ("days_off", "working_days", "field", "message"),
    [
        ("元旦", "", "days_off", "Line 2: give one date, or the first and the last day of a period"),
        ("a 2031-01-01 b 2031-01-02 c 2031-01-03", "", "days_off", "Line 2: give one date"),
        ("元旦 20311-01-01", "", "days_off", "Line 2: give one date"),
        ("春节 2031-02-30", "", "days_off", "Line 2: “2031-02-30” is not a date."),
        ("\n春节 2031-01-28 ~ 2031-01-22", "", "days_off", "Line 3: the period ends before it starts."),
        ("暑假 2031-07-01 ~ 2031-08-31", "", "days_off", "Line 2: a period of more than 31 days"),
        ("元旦 2031-01-01", "2031-01-06", "working_days", "Line 1: 2031-01-06 is a weekday"),
        ("元旦 2031-01-04", "2031-01-04", "working_days", "2031-01-04 is listed both as a day off and as a working"),
    ],
)
def test_a_line_that_cannot_be_read_is_named_and_nothing_is_saved(days_off, working_days, field, message):
    with pytest.raises(ValidationError) as error:
        calendar_days_enter(days_off=f"劳动节 2031-05-01 ~ 2031-05-05\n{days_off}", working_days=working_days)
    problems = error.value.message_dict[field]
    assert any(problem.startswith(message) for problem in problems), problems
    assert not CalendarDay.objects.exists()
