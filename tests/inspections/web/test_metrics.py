"""The managers' metrics page (``/tasks/metrics/``) on the hand-computed February scenario
(``tests.inspections.reporting.scenario``, the ``february`` fixture): the table in both languages, CSV, scope and
bad periods."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tests.inspections.reporting.scenario import FEBRUARY

pytestmark = pytest.mark.django_db

PAGE = "/tasks/metrics/"


def test_page_in_english_with_rates_as_percentages(client, world, february):
    client.force_login(world.users.manager)
    response = client.get(PAGE, {**FEBRUARY, "group": "unit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "On-time closure rate" in page and "Mean handling time (working days)" in page
    assert "Tasks due from Feb. 1, 2026 to Feb. 28, 2026" in page
    table = page.split('data-testid="metrics-table"')[1].split("</table>")[0]
    total = table.split("<tfoot>")[1]
    # 5/12 = 41.7 %, 6/13 = 46.2 %, 2/8 = 25.0 %, 1/13 = 7.7 %, 2.90 days; the counts behind each rate as a title.
    for text in ('title="5 / 12">41.7%<', 'title="6 / 13">46.2%<', 'title="2 / 8">25.0%<', 'title="1 / 13">7.7%<'):
        assert text in total
    assert ">2.90<" in total and ">13<" in total
    squad = table.split("城管执法队")[1].split("</tr>")[0]
    assert 'title="0 / 0">—<' in squad  # on-time closure rate of a group whose only task was deferred


def test_page_in_chinese_per_community(client, world, february):
    client.force_login(world.users.manager)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(PAGE, {**FEBRUARY, "group": "community"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page and "退出登录" in page
    table = page.split('data-testid="metrics-table"')[1].split("</table>")[0]
    assert table.index("西社区") < table.index("东社区")
    west = table.split("西社区")[1].split("</tr>")[0]
    # West: 4/6 = 66.7 % on time and closed, 1/4 = 25.0 % rework, 1/6 = 16.7 % extension, 3.21 days.
    assert west.count(">66.7%<") == 2 and ">25.0%<" in west and ">16.7%<" in west and ">3.21<" in west
    assert "2026年2月1日" in page


def test_page_defaults_to_the_current_month_per_unit(client, world, february):
    client.force_login(world.users.manager)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    today = timezone.localdate()
    first = today.replace(day=1)
    last = ((first + dt.timedelta(days=32)).replace(day=1)) - dt.timedelta(days=1)
    assert f'value="{first.isoformat()}"' in page and f'value="{last.isoformat()}"' in page
    assert '<option value="unit" selected>' in page
    assert 'data-testid="empty"' in page  # none of the February tasks is due this month


def test_page_csv_is_the_same_table(client, world, february):
    client.force_login(world.users.manager)
    response = client.get(PAGE, {**FEBRUARY, "group": "community", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="metrics-community-2026-02-01-2026-02-28.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["Community", "Tasks due", "Deferred tasks", "Closed tasks", "Closed on time"]
    assert rows[0][-1] == "Mean handling time (working days)"
    assert rows[0][7:9] == ["Fixes submitted", "Late-synced fixes"]
    assert rows[1:] == [
        ["West", "6", "0", "4", "4", "66.7%", "66.7%", "4", "0", "1", "25.0%", "1", "16.7%", "3.21"],
        ["East", "6", "0", "2", "1", "16.7%", "33.3%", "4", "0", "1", "25.0%", "0", "0.0%", "2.28"],
        ["Outside any community", "1", "1", "0", "0", "—", "0.0%", "0", "0", "0", "—", "0", "0.0%", "—"],
        ["All", "13", "1", "6", "5", "41.7%", "46.2%", "8", "0", "2", "25.0%", "1", "7.7%", "2.90"],
    ]


def test_page_shows_a_rectifier_only_their_unit(client, world, february):
    client.force_login(world.users.rectifier)
    page = client.get(PAGE, FEBRUARY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = page.split('data-testid="metrics-table"')[1].split("</table>")[0]
    assert "西社区居委会" in table and "东社区居委会" not in table and "西苑物业" not in table


def test_page_explains_bad_periods(client, world):
    client.force_login(world.users.manager)
    page = client.get(PAGE, {"start": "2026-02-28", "end": "2026-02-01"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The period ends on 2026-02-01, before it starts (2026-02-28)." in page
    assert 'data-testid="metrics-table"' not in page and 'data-testid="csv"' not in page


@pytest.mark.parametrize(("start", "end"), [("9999-01-01", "9999-12-31"), ("0001-01-01", "0001-12-31")])
def test_page_explains_days_outside_the_supported_range(client, world, start, end):
    client.force_login(world.users.manager)
    response = client.get(PAGE, {"start": start, "end": end}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The first day must lie between 2000-01-01 and 2099-12-31." in page
    assert 'data-testid="metrics-table"' not in page


def test_page_refuses_volunteers_and_sends_anonymous_people_to_sign_in(client, world):
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")
    client.force_login(world.users.volunteer)
    assert client.get(PAGE).status_code == 403


def test_home_offers_the_metrics_to_those_who_may_see_them(client, world):
    for who, offered in [("manager", True), ("inspector", True), ("rectifier", True), ("volunteer", False)]:
        client.force_login(getattr(world.users, who))
        assert (f'href="{PAGE}"' in client.get("/").content.decode()) is offered, who
