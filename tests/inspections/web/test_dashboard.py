"""The dashboard page, its XLSX exports and `/api/dashboard/`: managers of the area only, the same figures as the
selectors on the same filter, the ranking in the workbook with Chinese headers, links to the map and the briefings."""

import datetime as dt
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from inspections.reporting.dashboard import dashboard_filter, kpis
from inspections.reporting.rankings import ranking
from inspections.web.dashboard.tables import TABLE_KEYS
from tests.inspections.reporting.scoring import build_scoring

pytestmark = pytest.mark.django_db
PAGE = "/dashboard/"
API = "/api/dashboard/"


def _query(**params):
    today = timezone.localdate()
    query = {"start": (today - dt.timedelta(days=29)).isoformat(), "end": (today + dt.timedelta(days=30)).isoformat()}
    return {**query, **{k: str(v) for k, v in params.items()}}


@pytest.mark.parametrize("role", ["inspector", "volunteer", "rectifier", "nobody"])
def test_only_managers_open_the_dashboard(client, client_for, world, role):
    user = getattr(world.users, role)
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}export/kpis/").status_code == 403
    answer = client_for(user).get(API)
    assert answer.status_code == 403
    assert answer.json()["detail"] == "The dashboard is for managers and administrators."


def test_anonymous_people_are_sent_to_sign_in(client):
    assert client.get(PAGE).status_code == 302
    assert client.get(API).status_code in (401, 403)


def test_the_page_shows_the_tiles_charts_and_links_with_the_filter(client, world, briefed):
    client.force_login(world.users.manager)
    query = _query(community=world.west.pk)
    page = client.get(PAGE, query, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    for key in ("findings_week", "findings_month", "open_tasks", "overdue", "on_time_closure_rate", "rework_rate"):
        assert f'data-kpi="{key}"' in html
    assert 'data-kpi="open_tasks" data-value="1"' in html  # the west's open finding (the east's two are not)
    for chart in ("per_day", "by_category", "by_problem_type", "by_community", "by_unit", "ageing"):
        assert f'data-chart="{chart}"' in html
    assert "vendor/echarts/echarts.min.js" in html
    data = json.loads(html.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert {bar["key"]: bar["value"] for bar in data["by_community"]} == {world.west.pk: 3}
    map_link = html.split('data-testid="open-map"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    link = urlsplit(map_link)
    assert link.path == "/map/"
    assert parse_qs(link.query) == {
        "layer": ["findings"],
        "start": [query["start"]],
        "end": [query["end"]],
        "community": [str(world.west.pk)],
    }
    assert "/dashboard/briefings/?start=" in html


def test_the_api_gives_the_selectors_figures_on_the_same_filter(client_for, world, briefed):
    query = _query(problem_type="exposed_garbage")
    answer = client_for(world.users.manager).get(API, query)
    assert answer.status_code == 200
    body = answer.json()
    expected = kpis(world.users.manager, dashboard_filter(query))
    assert [(k["key"], k["value"], k["previous"]) for k in body["kpis"]] == [
        (k.key, k.value, k.previous) for k in expected
    ]
    assert body["filter"]["params"] == {"problem_type": "exposed_garbage"}
    assert {bar["key"]: bar["value"] for bar in body["charts"]["by_problem_type"]} == {"exposed_garbage": 4}
    assert sum(body["charts"]["findings_per_day"]) == 4


def test_a_managers_api_answer_is_their_areas(client_for, world, briefed):
    west = client_for(world.users.west_manager).get(API, _query()).json()
    assert {bar["key"] for bar in west["charts"]["by_community"]} == {world.west.pk}
    east_only = client_for(world.users.west_manager).get(API, _query(community=world.east.pk)).json()
    assert all(not k["value"] for k in east_only["kpis"] if k["kind"] == "count")
    assert east_only["charts"]["by_unit"] == [] and east_only["charts"]["by_community"] == []


@pytest.mark.parametrize(
    "params, name", [({"start": "tomorrow"}, "start"), ({"unit": "-1"}, "unit"), ({"n": "100"}, "n")]
)
def test_a_wrong_parameter_is_a_400_naming_it(client, client_for, world, params, name):
    answer = client_for(world.users.manager).get(API, params)
    assert answer.status_code == 400
    assert name in answer.json()
    if name != "n":
        client.force_login(world.users.manager)
        page = client.get(PAGE, params)
        assert page.status_code == 400 and 'data-testid="filter-errors"' in page.content.decode()
    client.force_login(world.users.manager)
    assert client.get(PAGE, {"n": "many"}).status_code == 400


def test_the_ranking_exports_to_xlsx_with_chinese_headers(client, world):
    scoring = build_scoring(world)
    client.force_login(world.users.manager)
    client.cookies["django_language"] = "zh-hans"
    answer = client.get(f"{PAGE}export/community-ranking/", {"phase": scoring.p2.pk, "n": 1})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("排名", "社区", "得分", "巡查", "扣分", "上期排名", "名次变化", "榜单")
    expected = ranking(user=world.users.manager, phase=scoring.p2, level="community")
    assert [row[:4] for row in rows[1:]] == [(r.rank, r.name, r.score, r.inspections) for r in expected]
    assert [row[-1] for row in rows[1:]] == ["红榜", "黑榜"]


def test_the_rankings_say_how_the_filter_narrows_them_and_mark_the_filtered_unit(client, client_for, world):
    scoring = build_scoring(world)
    client.force_login(world.users.manager)
    query = _query(phase=scoring.p2.pk, unit=world.property_manager.pk, problem_type="illegal_ads")
    html = client.get(PAGE, query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    notes = html.split('data-testid="ranking-notes"')[1].split("</ul>")[0]
    assert "scores the hotspots 西苑物业 sponsors" in notes
    assert "The problem type does not apply to the rankings" in notes
    marked = html.split('data-testid="marked-unit"')
    assert len(marked) == 2 and f'data-key="{world.property_manager.pk}"' in marked[0].rsplit("<tr", 1)[1]
    community = html.split('data-testid="community-ranking"')[1].split("</table>")[0]
    assert "West" in community and "East" not in community
    body = client_for(world.users.manager).get(API, query).json()["rankings"]
    assert body["narrowed_by"] == ["unit"] and body["marked_unit"] == world.property_manager.pk
    assert body["not_applied"] == ["problem_type"]
    assert [row["id"] for row in body["community"]] == [world.west.pk] and len(body["unit"]) == 3
    workbook = client.get(f"{PAGE}export/community-ranking/", query)
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
    assert [row[2] for row in rows[1:]] == [97.0]


def test_every_table_of_the_page_exports(client, world, briefed):
    client.force_login(world.users.manager)
    for table in sorted(TABLE_KEYS):
        answer = client.get(f"{PAGE}export/{table}/", _query())
        assert answer.status_code == 200, table
        assert load_workbook(io.BytesIO(answer.content)).active.max_row >= 1
    assert client.get(f"{PAGE}export/nothing/").status_code == 404


def test_generate_a_briefing_opens_the_briefings_form_with_the_phase_and_period(client, world):
    scoring = build_scoring(world)
    client.force_login(world.users.manager)
    query = _query(phase=scoring.p1.pk)
    html = client.get(PAGE, query).content.decode()
    link = html.split('data-testid="make-briefing"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    form = client.get(link).content.decode()
    assert f'<option value="{scoring.p1.pk}" selected>' in form
    assert f'value="{query["start"]}"' in form and f'value="{query["end"]}"' in form


def test_managers_find_the_dashboard_on_the_home_page(client, world):
    client.force_login(world.users.west_manager)
    home = client.get("/").content.decode()
    assert f'href="{PAGE}"' in home
    client.force_login(world.users.inspector)
    assert f'href="{PAGE}"' not in client.get("/").content.decode()


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/dashboard/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"start", "end", "campaign", "phase", "community", "unit"}
    problem_type = next(p for p in operation["parameters"] if p["name"] == "problem_type")
    assert "Does not apply to the rankings" in problem_type["description"]
    rankings = schema["components"]["schemas"]["Rankings"]["properties"]
    assert {"narrowed_by", "marked_unit", "not_applied"} <= set(rankings)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_tiles_write_numbers_in_the_readers_language(language):
    from django.utils import translation

    from inspections.reporting.dashboard import Kpi
    from inspections.web.dashboard.views import _tile

    with translation.override(language):
        count = _tile(Kpi("findings_month", "", "count", 12345, 1234))
        rate = _tile(Kpi("on_time_closure_rate", "", "rate", 0.5, 0.25, (1234, 2468), (1000, 4000)))
    assert (count["value"], count["previous"], count["change"]) == ("12,345", "1,234", "11,111")
    assert rate["value"] == "50.0%" and "1,234 / 2,468" in rate["parts"] and "1,000 / 4,000" in rate["parts"]
