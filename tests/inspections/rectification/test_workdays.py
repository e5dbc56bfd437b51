"""Working days on the official Chinese calendar (with 调休) and the office's calendar days.

Real dates from the State Council notices as shipped by chinese_calendar 1.11.0 (2004–2026):
- National Day 2025: Wed 1 – Wed 8 October off; Sun 28 September and Sat 11 October are make-up working days.
- Spring Festival 2026: Sun 15 – Mon 23 February off; Sat 14 and Sat 28 February are make-up working days.
2027 is beyond the package; its days in these tests are entered by hand.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from inspections.models import CalendarDay
from inspections.rectification.workdays import (
    CalendarUnknown,
    WorkCalendar,
    add_working_days,
    is_working_day,
    subtract_working_hours,
    working_days_between,
    working_hours_between,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def day_off(date: dt.date, name: str = "区级活动停工") -> CalendarDay:
    return CalendarDay.objects.create(date=date, is_working_day=False, name=name)


def working(date: dt.date, name: str = "调休上班") -> CalendarDay:
    return CalendarDay.objects.create(date=date, is_working_day=True, name=name)


# Which days are working days


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2025, 9, 26), True),  # Friday
        (dt.date(2025, 9, 27), False),  # Saturday
        (dt.date(2025, 9, 28), True),  # Sunday, make-up working day
        (dt.date(2025, 9, 30), True),  # Tuesday
        *[(dt.date(2025, 10, d), False) for d in range(1, 9)],  # National Day and Mid-autumn, Wed–Wed
        (dt.date(2025, 10, 9), True),  # Thursday
        (dt.date(2025, 10, 11), True),  # Saturday, make-up working day
        (dt.date(2025, 10, 12), False),  # Sunday
    ],
)
def test_national_day_2025_with_its_make_up_days(date, expected):
    assert is_working_day(date) is expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2026, 2, 13), True),  # Friday
        (dt.date(2026, 2, 14), True),  # Saturday, make-up working day
        *[(dt.date(2026, 2, d), False) for d in range(15, 24)],  # Spring Festival, Sun 15 – Mon 23
        (dt.date(2026, 2, 24), True),  # Tuesday
        (dt.date(2026, 2, 28), True),  # Saturday, make-up working day
        (dt.date(2026, 3, 1), False),  # Sunday
    ],
)
def test_spring_festival_2026_with_its_make_up_days(date, expected):
    assert is_working_day(date) is expected


def test_an_aware_datetime_is_judged_by_its_local_date():
    # 2025-09-27 20:00 UTC is already Sunday 28 September (a make-up working day) in Beijing.
    assert is_working_day(dt.datetime(2025, 9, 27, 20, 0, tzinfo=dt.UTC)) is True
    assert is_working_day(dt.datetime(2025, 9, 27, 12, 0, tzinfo=dt.UTC)) is False


def test_a_calendar_day_makes_a_working_day_a_holiday():
    day_off(dt.date(2025, 10, 9))

    assert is_working_day(dt.date(2025, 10, 9)) is False
    assert is_working_day(dt.date(2025, 10, 10)) is True


def test_a_calendar_day_makes_a_sunday_a_working_day():
    working(dt.date(2025, 10, 19))

    assert is_working_day(dt.date(2025, 10, 19)) is True
    assert is_working_day(dt.date(2025, 10, 18)) is False


def test_a_year_beyond_the_package_without_calendar_days_is_refused_with_the_year_named():
    with pytest.raises(CalendarUnknown) as caught:
        is_working_day(dt.date(2027, 3, 1))

    assert caught.value.year == 2027
    assert "2027" in str(caught.value)
    assert "Calendar days" in str(caught.value)


def test_a_year_before_the_package_is_refused_too():
    with pytest.raises(CalendarUnknown) as caught:
        is_working_day(dt.date(2003, 6, 2))
    assert caught.value.year == 2003


def test_a_year_beyond_the_package_with_calendar_days_uses_them_and_monday_to_friday():
    # Hand-entered days for 2027 (test data, not the official schedule).
    day_off(dt.date(2027, 1, 1), "元旦")
    working(dt.date(2027, 1, 9))  # a Saturday

    assert is_working_day(dt.date(2027, 1, 1)) is False  # Friday, holiday
    assert is_working_day(dt.date(2027, 1, 2)) is False  # Saturday
    assert is_working_day(dt.date(2027, 1, 4)) is True  # Monday
    assert is_working_day(dt.date(2027, 1, 9)) is True  # Saturday, make-up
    assert is_working_day(dt.date(2027, 1, 10)) is False  # Sunday
    with pytest.raises(CalendarUnknown):
        is_working_day(dt.date(2028, 1, 3))


def test_a_deadline_into_an_unknown_year_is_refused_until_the_year_is_entered():
    start = at(2026, 12, 30, 15)  # Wednesday
    with pytest.raises(CalendarUnknown) as caught:
        add_working_days(start, 3)
    assert caught.value.year == 2027

    day_off(dt.date(2027, 1, 1), "元旦")

    # Thu 31 December, (Fri 1 January off, weekend), Mon 4, Tue 5.
    assert add_working_days(start, 3) == at(2027, 1, 5, 15)


# Deadlines


@pytest.mark.parametrize(
    ("days", "deadline"),
    [
        (1, at(2025, 10, 9, 15)),  # the holiday is skipped
        (3, at(2025, 10, 11, 15)),  # Thu 9, Fri 10, Sat 11 (make-up)
        (5, at(2025, 10, 14, 15)),  # … Mon 13, Tue 14 (Sun 12 is off)
    ],
)
def test_deadlines_across_national_day_2025(days, deadline):
    assert add_working_days(at(2025, 9, 30, 15), days) == deadline


@pytest.mark.parametrize(
    ("days", "deadline"),
    [
        (1, at(2026, 2, 14, 16)),  # Saturday, make-up working day
        (3, at(2026, 2, 25, 16)),  # Sat 14, Tue 24, Wed 25
        (5, at(2026, 2, 27, 16)),  # … Thu 26, Fri 27
    ],
)
def test_deadlines_across_spring_festival_2026(days, deadline):
    assert add_working_days(at(2026, 2, 13, 16), days) == deadline


def test_a_deadline_can_fall_on_a_make_up_sunday():
    assert add_working_days(at(2025, 9, 26, 10), 1) == at(2025, 9, 28, 10)


def test_a_start_on_a_day_off_counts_from_the_next_working_days_start_of_business():
    assert add_working_days(at(2025, 10, 3, 10, 30), 1) == at(2025, 10, 10, 9)
    assert add_working_days(at(2025, 10, 3, 10, 30), 0) == at(2025, 10, 9, 9)
    assert add_working_days(at(2025, 10, 18, 22), 1) == at(2025, 10, 21, 9)  # Saturday night


def test_a_start_outside_business_hours_counts_from_the_next_start_of_business():
    # Mon 13 Oct 2025, an ordinary working week.
    assert add_working_days(at(2025, 10, 13, 20), 1) == at(2025, 10, 15, 9)  # after closing
    assert add_working_days(at(2025, 10, 13, 3, 53), 1) == at(2025, 10, 14, 9)  # before opening
    assert add_working_days(at(2025, 10, 13, 18), 0) == at(2025, 10, 14, 9)  # at closing time
    assert add_working_days(at(2025, 10, 13, 17, 59), 1) == at(2025, 10, 14, 17, 59)


def test_deadlines_follow_the_calendar_days():
    day_off(dt.date(2025, 10, 9), "区级活动停工")
    working(dt.date(2025, 10, 12))  # a Sunday

    start = at(2025, 9, 30, 15)
    assert add_working_days(start, 1) == at(2025, 10, 10, 15)
    assert add_working_days(start, 3) == at(2025, 10, 12, 15)


def test_a_deadline_is_in_the_local_time_zone_whatever_the_start_was_given_in():
    deadline = add_working_days(dt.datetime(2025, 9, 30, 7, 0, tzinfo=dt.UTC), 1)  # 15:00 in Beijing

    assert deadline == at(2025, 10, 9, 15)
    assert deadline.utcoffset() == dt.timedelta(hours=8)


def test_naive_datetimes_and_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2025, 9, 30, 15), 1)
    with pytest.raises(ValueError):
        add_working_days(at(2025, 9, 30, 15), -1)
    with pytest.raises(ValueError):
        subtract_working_hours(at(2025, 9, 30, 15), -4)


# Working hours before a deadline ("deadline approaching")


@pytest.mark.parametrize(
    ("deadline", "reminder"),
    [
        (at(2025, 10, 20, 11), at(2025, 10, 17, 16)),  # Monday 11:00 → Friday 16:00 over the weekend
        (at(2025, 10, 20, 9), at(2025, 10, 17, 14)),  # Monday at opening → Friday 14:00
        (at(2025, 10, 20, 13), at(2025, 10, 20, 9)),  # the same morning
        (at(2025, 10, 19, 12), at(2025, 10, 17, 14)),  # a deadline on a Sunday counts from Friday's close
        (at(2025, 10, 20, 20), at(2025, 10, 20, 14)),  # after hours counts from the close
        (at(2025, 10, 13, 10), at(2025, 10, 11, 15)),  # over a weekend whose Saturday is a make-up day
        (at(2025, 10, 9, 10), at(2025, 9, 30, 15)),  # over the whole National Day holiday
    ],
)
def test_four_working_hours_before_a_deadline(deadline, reminder):
    assert subtract_working_hours(deadline, 4) == reminder
    assert working_hours_between(reminder, deadline) == 4


def test_no_hours_before_a_deadline_is_the_deadline():
    assert subtract_working_hours(at(2025, 10, 19, 12), 0) == at(2025, 10, 19, 12)


# Handling times


def test_working_hours_and_days_between_two_datetimes():
    # Fri 10 Oct 13:30 → Mon 13 Oct 10:00: 4.5 h on Friday, 9 h on make-up Saturday, 1 h on Monday.
    assert working_hours_between(at(2025, 10, 10, 13, 30), at(2025, 10, 13, 10)) == 14.5
    assert working_days_between(at(2025, 10, 10, 13, 30), at(2025, 10, 13, 10)) == pytest.approx(14.5 / 9)

    assert working_days_between(at(2025, 9, 30, 15), at(2025, 10, 9, 15)) == 1.0  # the holiday does not count
    assert working_days_between(at(2025, 10, 20, 9), at(2025, 10, 24, 18)) == 5.0  # an ordinary week
    assert working_days_between(at(2025, 10, 4, 9), at(2025, 10, 5, 18)) == 0.0  # within the holiday
    assert working_days_between(at(2025, 10, 13, 10), at(2025, 10, 10, 13, 30)) == pytest.approx(-14.5 / 9)


def test_working_days_between_a_start_and_its_deadline_is_the_number_of_days():
    for start in (at(2025, 9, 30, 15), at(2025, 9, 26, 10), at(2026, 2, 13, 16), at(2025, 10, 3, 10, 30)):
        for days in (1, 3, 5):
            assert working_days_between(start, add_working_days(start, days)) == days


def test_business_hours_come_from_settings(settings):
    settings.WORKDAY_START = "08:30"
    settings.WORKDAY_END = "17:30"

    assert add_working_days(at(2025, 10, 3, 10), 1) == at(2025, 10, 10, 8, 30)
    assert subtract_working_hours(at(2025, 10, 20, 8, 30), 4) == at(2025, 10, 17, 13, 30)

    settings.WORKDAY_START = "10:00"
    settings.WORKDAY_END = "16:00"
    assert working_days_between(at(2025, 10, 20, 10), at(2025, 10, 21, 16)) == 2.0


@pytest.mark.parametrize(("start", "end"), [("18:00", "09:00"), ("nine", "18:00")])
def test_bad_business_hours_are_a_configuration_error(settings, start, end):
    settings.WORKDAY_START = start
    settings.WORKDAY_END = end
    with pytest.raises(ImproperlyConfigured):
        working_hours_between(at(2025, 10, 20, 9), at(2025, 10, 21, 9))


def test_a_work_calendar_reads_the_calendar_days_once_per_year(django_assert_num_queries):
    calendar = WorkCalendar()
    with django_assert_num_queries(2):
        calendar.working_days_between(at(2025, 1, 2, 9), at(2026, 12, 31, 18))
        calendar.working_days_between(at(2025, 3, 1, 9), at(2026, 3, 1, 18))


# Admin


def test_the_admin_lists_calendar_days_by_year_and_kind(admin_client):
    day_off(dt.date(2027, 1, 1), "元旦")
    working(dt.date(2027, 2, 6), "调休上班")
    working(dt.date(2025, 10, 19), "区级调整")

    page = admin_client.get("/admin/inspections/calendarday/?date__year=2027&is_working_day__exact=1")

    assert page.status_code == 200
    body = page.content.decode()
    assert "调休上班" in body
    assert "元旦" not in body
    assert "区级调整" not in body
