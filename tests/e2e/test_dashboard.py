"""The dashboard in a real browser on the small test world: the charts draw (their canvas is not blank), a click on
a bar filters the page and the URL keeps the filter, the "open on the map" link carries it; and the metrics table
fits a 10" tablet (800 px wide) without being cut off."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import TestCase
from playwright.sync_api import expect

from tests.conftest import make_world
from tests.factories import running_phase

pytestmark = pytest.mark.django_db(transaction=True)

# How many of a canvas's pixels are drawn (not transparent and not white).
DRAWN_PIXELS = """(canvas) => {
  const { width, height } = canvas;
  const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let drawn = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && !(data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250)) drawn++;
  }
  return drawn;
}"""


@pytest.fixture
def scene(transactional_db):
    from tests.inspections.reporting.briefings.scene import build_briefed
    from tests.inspections.reporting.scoring import build_scoring

    world = make_world()
    with TestCase.captureOnCommitCallbacks(execute=True):
        build_briefed(world, running_phase())
    build_scoring(world)
    return world


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_the_dashboard_draws_its_charts_and_a_bar_click_filters_it(page, scene, screenshot):
    _sign_in(page, "manager_u")
    page.locator("a[href='/dashboard/']").first.click()
    page.wait_for_url("**/dashboard/")
    expect(page.locator("[data-kpi=open_tasks] .kpi-value")).to_have_text("3")
    for chart in ("per_day", "by_category", "by_problem_type", "by_community", "by_unit", "ageing"):
        canvas = page.locator(f"[data-chart={chart}] canvas").first
        expect(canvas).to_be_visible()
        assert canvas.evaluate(DRAWN_PIXELS) > 200, f"the {chart} chart is blank"
    expect(page.locator("[data-testid=community-ranking] tbody tr")).to_have_count(2)
    expect(page.locator("[data-kpi=overdue] .kpi-trend")).to_have_class(re.compile(r"\bbad\b"))
    page.set_viewport_size({"width": 1280, "height": 1700})
    screenshot("dashboard")
    page.set_viewport_size({"width": 1280, "height": 800})

    # The problem types' chart: the first bar is the commonest type (exposed garbage, 4 of the 5 findings).
    chart = page.locator("[data-chart=by_problem_type]")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    bar = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById("chart-by_problem_type"));
          return chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
        }"""
    )
    page.mouse.click(box["x"] + bar["x"] + bar["width"] / 2, box["y"] + bar["y"] + bar["height"] / 2)
    page.wait_for_url(re.compile(r"problem_type=exposed_garbage"))
    expect(page.locator("[data-kpi=findings_week]")).to_have_attribute("data-value", "4")
    expect(page.locator("#f-problem-type")).to_have_value("exposed_garbage")
    link = urlsplit(page.locator("[data-testid=open-map]").get_attribute("href"))
    assert link.path == "/map/"
    query = parse_qs(link.query)
    assert query["layer"] == ["findings"] and query["problem_type"] == ["exposed_garbage"]

    # The ranking table sorts by a column on a click.
    table = page.locator("[data-testid=community-ranking]")
    table.locator("button.sort").nth(2).click()  # score, ascending
    expect(table.locator("tbody tr").first.locator("td").nth(1)).to_have_text("东社区")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_metrics_table_fits_an_800_px_tablet(page, scene, live_server, language):
    _sign_in(page, "manager_u")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto("/tasks/metrics/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    table = page.locator("[data-testid=metrics-table]")
    expect(table).to_be_visible()
    widths = page.evaluate(
        """() => {
          const table = document.querySelector("[data-testid=metrics-table]");
          const last = table.querySelector("thead th:last-child").getBoundingClientRect();
          return {
            page: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            wrap: table.parentElement.scrollWidth,
            wrapVisible: table.parentElement.clientWidth,
            lastRight: last.right,
          };
        }"""
    )
    assert widths["page"] <= widths["viewport"], widths
    assert widths["wrap"] <= widths["wrapVisible"], widths  # nothing to scroll to inside the table either
    assert widths["lastRight"] <= widths["viewport"], widths


# Every card, tile and table of the dashboard: where each ends, against the viewport and its own scroll width.
LAYOUT = """() => {
  const boxes = Array.from(document.querySelectorAll(".kpi, .chart-card, .ranking-grid .card, .dashboard-actions"));
  return {
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    rightmost: Math.max(...boxes.map((box) => box.getBoundingClientRect().right)),
    overflowing: boxes.filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => box.className),
    tables: Array.from(document.querySelectorAll(".rankings .table-wrap"))
      .map((wrap) => wrap.scrollWidth - wrap.clientWidth),
    charts: Array.from(document.querySelectorAll("[data-chart]")).map((chart) => {
      const canvas = chart.querySelector("canvas");
      return canvas ? chart.getBoundingClientRect().right - canvas.getBoundingClientRect().right : -1;
    }),
  };
}"""

# The per-day chart's first day on its axis, and how its value axis writes 1234.
CHART_TEXTS = """() => {
  const option = echarts.getInstanceByDom(document.getElementById("chart-per_day")).getOption();
  return { day: option.xAxis[0].data[0], number: option.yAxis[0].axisLabel.formatter(1234) };
}"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_dashboard_fits_an_800_px_tablet_with_localized_dates_and_numbers(page, scene, live_server, language):
    import datetime as dt

    from django.utils import timezone, translation
    from django.utils.formats import date_format

    _sign_in(page, "manager_u")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto("/dashboard/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    for chart in ("per_day", "by_category", "by_problem_type", "by_community", "by_unit", "ageing"):
        canvas = page.locator(f"[data-chart={chart}] canvas").first
        canvas.scroll_into_view_if_needed()
        expect(canvas).to_be_visible()
        assert canvas.evaluate(DRAWN_PIXELS) > 200, f"the {chart} chart is blank at 800 px"
    layout = page.evaluate(LAYOUT)
    assert layout["page"] <= layout["viewport"], layout
    assert layout["rightmost"] <= layout["viewport"], layout
    assert layout["overflowing"] == [], layout
    assert all(extra <= 1 for extra in layout["tables"]), layout  # the ranking tables need no sideways scrolling
    assert all(gap >= 0 for gap in layout["charts"]), layout  # every chart's canvas lies inside its card

    today = timezone.localdate()
    start = today - dt.timedelta(days=29)
    texts = page.evaluate(CHART_TEXTS)
    with translation.override(language):
        period = page.locator("[data-testid=period]").inner_text()
        assert date_format(start, "DATE_FORMAT") in period and date_format(today, "DATE_FORMAT") in period
    expected_day = f"{start:%b} {start.day}" if language == "en" else f"{start.month}月{start.day}日"
    assert texts == {"day": expected_day, "number": "1,234"}
