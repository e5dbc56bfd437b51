"""The inspections pages: who sees which inspections, the filters, and one inspection with its photos and checks."""

import datetime as dt
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from inspections.models import Campaign, FlagCode, Inspection, Phase, PhaseKind, PhotoFlag, Task
from tests.inspections.conftest import as_upload, photo_bytes

pytestmark = pytest.mark.django_db

LIST = "/inspections/"
# A point in the west community, on no hotspot.
WEST = {"lon": 116.2102, "lat": 39.8452}


@pytest.fixture
def submit(client_for, world, inspection_payload):
    """Store an inspection through the API, as a tablet would; returns the request body."""

    def post(user=None, **overrides):
        body = inspection_payload(**overrides)
        response = client_for(user or world.users.inspector).post("/api/inspections/", body, format="json")
        assert response.status_code == 201, response.content
        return body

    return post


@pytest.fixture
def upload(client_for, world):
    def put(finding_id, data, *, user=None, role="before"):
        payload = {"file": as_upload(data), "finding": finding_id, "role": role}
        photo_id = uuid.uuid4()
        response = client_for(user or world.users.inspector).put(
            f"/api/photos/{photo_id}/", payload, format="multipart"
        )
        assert response.status_code == 201, response.content
        return photo_id

    return put


@pytest.fixture
def east(world, submit, upload):
    """Two inspections in the east community: the stall with a near and a far photo, and the plot without photos."""
    stall = submit(
        answers={"环境整洁": True, "秩序规范": False, "问题": ["占道经营", "乱停乱放"], "备注": "摊主已劝离"},
    )
    finding = stall["findings"][0]["id"]
    near = upload(finding, photo_bytes(seed=11))
    far = upload(finding, photo_bytes(seed=12, lon=116.2340))
    plot = submit(
        hotspot=world.plot.pk,
        started_at=(timezone.now() - dt.timedelta(days=3)).isoformat(),
        ended_at=(timezone.now() - dt.timedelta(days=3) + dt.timedelta(minutes=20)).isoformat(),
        findings=[{"id": str(uuid.uuid4()), "problem_type": "damaged_hoarding", "description": "围挡倒伏"}],
    )
    return {"stall": stall["id"], "plot": plot["id"], "finding": finding, "near": near, "far": far}


def shown(page: str) -> set[str]:
    """The inspection ids linked from the list's table."""
    return set(re.findall(r'href="/inspections/([0-9a-f-]{36})/"', page))


def get_list(client, user, language="en", **params):
    client.force_login(user)
    response = client.get(LIST, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------- who sees what


def test_the_list_needs_a_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["rectifier", "east_rectifier"])
def test_rectifiers_are_refused(client, world, east, role):
    client.force_login(getattr(world.users, role))
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{east['stall']}/").status_code == 403


@pytest.mark.parametrize("role", ["admin", "manager", "inspector", "volunteer", "east_inspector"])
def test_people_of_the_area_see_its_inspections(client, world, east, role):
    page = get_list(client, getattr(world.users, role))
    assert shown(page) == {east["stall"], east["plot"]}


def test_a_manager_of_another_community_sees_none_and_is_told_so(client, world, east):
    page = get_list(client, world.users.west_manager)
    assert shown(page) == set()
    assert "No inspections yet." in page


def test_an_inspector_moved_to_another_area_still_sees_their_own(client, world, east, submit):
    mine = submit(user=world.users.west_manager, hotspot=None, location=WEST, findings=[])
    world.users.west_manager.jurisdiction = None
    world.users.west_manager.save()
    assert shown(get_list(client, world.users.west_manager)) == {mine["id"]}


def test_the_list_is_newest_first_with_counts_and_a_warning_badge(client, world, east):
    page = get_list(client, world.users.manager)
    assert page.index(east["stall"]) < page.index(east["plot"])
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)[1:]
    stall_row = next(row for row in rows if east["stall"] in row)
    plot_row = next(row for row in rows if east["plot"] in row)
    assert "东街摊点" in stall_row and "East" in stall_row
    numbers = re.findall(r'<td class="num">\s*(.*?)\s*</td>', stall_row, flags=re.S)
    assert numbers[0] == "1" and "badge-warn" in numbers[1] and "1" in numbers[1]
    assert "badge-warn" not in plot_row
    assert "Self-inspection" in stall_row


def test_the_list_is_paginated_by_25_in_a_fixed_number_of_queries(client, world, phase, django_assert_max_num_queries):
    from django.contrib.gis.geos import Point

    for minutes in range(27):
        Inspection.objects.create(
            inspector=world.users.inspector,
            phase=phase,
            jurisdiction=world.east,
            location=Point(116.23, 39.845, srid=4326),
            started_at=timezone.now() - dt.timedelta(minutes=minutes),
        )
    client.force_login(world.users.manager)
    with django_assert_max_num_queries(10):
        first = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(shown(first)) == 25 and "27 inspections" in first
    second = get_list(client, world.users.manager, page=2)
    assert len(shown(second)) == 2 and "Page 2 of 2" in second


# ---------------------------------------------------------------- filters


def test_filter_by_hotspot_name_problem_type_and_flag(client, world, east):
    manager = world.users.manager
    assert shown(get_list(client, manager, hotspot="摊点")) == {east["stall"]}
    assert shown(get_list(client, manager, problem_type="damaged_hoarding")) == {east["plot"]}
    assert shown(get_list(client, manager, flag=FlagCode.FAR_FROM_FINDING)) == {east["stall"]}
    assert shown(get_list(client, manager, flag=FlagCode.NO_GPS)) == set()


def test_filter_by_dates(client, world, east):
    today = timezone.localdate()
    manager = world.users.manager
    assert shown(get_list(client, manager, date_from=today.isoformat())) == {east["stall"]}
    before = (today - dt.timedelta(days=1)).isoformat()
    assert shown(get_list(client, manager, date_to=before)) == {east["plot"]}


def test_filter_by_community_offers_only_the_communities_in_scope(client, world, east, submit):
    west = submit(hotspot=None, location=WEST, findings=[])
    manager = world.users.manager
    assert shown(get_list(client, manager, jurisdiction=world.west.pk)) == {west["id"]}
    assert shown(get_list(client, manager, jurisdiction=world.east.pk)) == {east["stall"], east["plot"]}
    east_page = get_list(client, world.users.east_inspector)
    options = re.search(r'<select name="jurisdiction".*?</select>', east_page, flags=re.S).group(0)
    assert "East" in options and "West" not in options


def test_filter_by_campaign_and_phase(client, world, east, submit, phase):
    today = timezone.localdate()
    other = Campaign.objects.create(
        name="另一次活动", starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=3)
    )
    cross = Phase.objects.create(
        campaign=other, kind=PhaseKind.CROSS_INSPECTION, starts_on=other.starts_on, ends_on=other.ends_on
    )
    elsewhere = submit(phase=cross.pk, findings=[])
    manager = world.users.manager
    assert shown(get_list(client, manager, campaign=other.pk)) == {elsewhere["id"]}
    assert shown(get_list(client, manager, phase=phase.pk)) == {east["stall"], east["plot"]}


def test_filters_with_no_match_say_so_and_a_bad_value_is_reported(client, world, east):
    page = get_list(client, world.users.manager, hotspot="没有这个点位")
    assert "No inspection matches these filters." in page and "Clear filters" in page
    page = get_list(client, world.users.manager, date_from="not-a-date")
    assert 'class="error"' in page


# ---------------------------------------------------------------- one inspection


def test_detail_shows_answers_findings_photos_flags_and_map_data(client, world, east):
    client.force_login(world.users.manager)
    response = client.get(f"{LIST}{east['stall']}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "东街摊点" in page and "Capital civilized district · city cleaning day · Self-inspection" in page
    assert "39.845100, 116.230100" in page and "± 8 m" in page
    answers = re.search(r'<dl class="answers".*?</dl>', page, flags=re.S).group(0)
    assert re.search(r"环境整洁</dt>\s*<dd><span class=\"yes\">Yes</span>", answers)
    assert re.search(r"秩序规范</dt>\s*<dd><span class=\"no\">No</span>", answers)
    assert "占道经营、乱停乱放" in answers and "摊主已劝离" in answers
    assert "Street vending" in page and "Major" in page and "宛平中学" in page
    assert "sponsoring unit of the hotspot" in page
    for photo in (east["near"], east["far"]):
        assert f"/api/photos/{photo}/thumbnail/" in page and f"/api/photos/{photo}/display/" in page
    flag = PhotoFlag.objects.get(photo_id=east["far"], code=FlagCode.FAR_FROM_FINDING)
    metres = Decimal(str(flag.value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert flag.value > 300 and f"Taken far from the finding: {metres} m (threshold 100 m)" in page
    assert "HUAWEI MatePad 11" in page and "50 m" in page
    data = response.context["map_data"]
    assert data["hotspot"]["geometry"]["type"] == "Point"
    assert [f["id"] for f in data["findings"]] == [east["finding"]]
    assert {p["id"]: p["flagged"] for p in data["photos"]} == {str(east["near"]): False, str(east["far"]): True}
    assert 'id="inspection-map-data"' in page
    task = Task.objects.get(finding_id=east["finding"])
    assert re.search(rf'data-testid="finding-task"><a href="/tasks/{task.pk}/">(Dispatched|Awaiting triage)</a>', page)


def test_thumbnails_on_the_page_are_served_to_the_same_session(client, world, east):
    client.force_login(world.users.manager)
    page = client.get(f"{LIST}{east['stall']}/").content.decode()
    thumbnail = re.search(r'<img src="(/api/photos/[^"]+/thumbnail/)"', page).group(1)
    response = client.get(thumbnail)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_detail_is_404_outside_the_scope_and_for_an_unknown_id(client, world, east):
    client.force_login(world.users.west_manager)
    assert client.get(f"{LIST}{east['stall']}/").status_code == 404
    client.force_login(world.users.manager)
    assert client.get(f"{LIST}{uuid.uuid4()}/").status_code == 404


def test_detail_links_a_likely_duplicate(client, world, east, submit):
    again = submit(findings=[{"id": str(uuid.uuid4()), "problem_type": "street_vending"}])
    client.force_login(world.users.manager)
    page = client.get(f"{LIST}{again['id']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Likely duplicate of" in page
    assert f'href="/inspections/{east["stall"]}/#finding-{east["finding"]}"' in page


def test_a_free_inspection_without_findings_or_answers(client, world, submit):
    free = submit(hotspot=None, location=WEST, findings=[], answers={}, position=None)
    client.force_login(world.users.manager)
    response = client.get(f"{LIST}{free['id']}/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Free location" in page and "West" in page
    assert "No checklist answers were recorded." in page and "Nothing was found on this inspection." in page
    assert response.context["map_data"]["hotspot"] is None


# ---------------------------------------------------------------- languages


def test_both_languages_render(client, world, east):
    client.force_login(world.users.manager)
    chinese = client.get(LIST).content.decode()
    assert '<html lang="zh-hans">' in chinese and "退出登录" in chinese and "东街摊点" in chinese
    assert "自查" in chinese or "Self-inspection" not in chinese
    english = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Sign out" in english and "Self-inspection" in english

    detail = client.get(f"{LIST}{east['stall']}/").content.decode()
    assert "拍摄地点距问题位置过远" in detail and "占道经营" in detail
    assert re.search(r'<span class="yes">是</span>', detail) and re.search(r'<span class="no">否</span>', detail)
    english = client.get(f"{LIST}{east['stall']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Taken far from the finding" in english and "Street vending" in english


@pytest.mark.parametrize("value", ["²", str(2**70), "-" + str(2**70)])
def test_filters_with_values_no_id_can_have_show_the_page_with_the_error(client, world, value):
    client.force_login(world.users.manager)
    response = client.get(LIST, {"campaign": value, "phase": value, "jurisdiction": value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
