"""One task's page: the finding, the before and after photos, the map, the audit trail, and the forms of the moves
the service allows the person."""

import datetime as dt
import json
import re

import pytest

from tests.inspections.task_builders import as_dispatched_in_an_undescribed_year, move, photo
from tests.inspections.web.tasks.pages import WEST, detail, get

pytestmark = pytest.mark.django_db


def test_the_task_page_shows_finding_photos_map_and_trail(client, world, submitted):
    page = get(client, world.users.manager, detail(submitted))
    assert "Exposed garbage" in page and "楼道堆物" in page
    assert "西社区居委会" in page and "Fix submitted" in page
    before = submitted.finding.photos.get(role="before")
    after = submitted.finding.photos.get(role="after")
    before_side = page.split('data-testid="before-photos"')[1].split("</ul>")[0]
    after_side = page.split('data-testid="after-photos"')[1].split("</ul>")[0]
    assert f"/api/photos/{before.pk}/thumbnail/" in before_side
    assert f"/api/photos/{after.pk}/display/" in after_side and "inside the task's site" in after_side
    assert page.index('data-testid="before-photos"') < page.index('data-testid="after-photos"')
    data = json.loads(re.search(r'id="task-map-data"[^>]*>(.*?)</script>', page, flags=re.S).group(1))
    assert data["radius"] == 50.0
    assert data["finding"]["lon"] == pytest.approx(WEST[0])
    assert [p["id"] for p in data["photos"]] == [str(after.pk)] and data["photos"][0]["outside"] == 0
    assert len(data["moves"]) == 1  # the submission carried the device's position
    actions = re.findall(r'data-testid="event" data-action="(\w+)"', page)
    assert actions == ["register", "accept", "start", "submit"]
    trail = page.split('data-testid="trail"')[1]
    assert trail.count(f"/api/photos/{after.pk}/thumbnail/") == 1
    assert "Inspector" in page and world.users.inspector.username in page


def test_the_trail_says_why_a_deadline_came_late_and_when_it_counts_from(client, world, west_task):
    from zoneinfo import ZoneInfo

    from inspections.models import CalendarDay
    from inspections.rectification.tasks import tasks_deadlines_fill

    when = dt.datetime(2031, 3, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    task = as_dispatched_in_an_undescribed_year(west_task, when)
    page = get(client, world.users.manager, detail(task))
    assert "No deadline: 2031" in page and "none yet" in page
    CalendarDay.objects.create(date=dt.date(2031, 1, 1), name="元旦")
    tasks_deadlines_fill()
    page = get(client, world.users.manager, detail(task))
    assert "Deadline set" in page and "Counted from the dispatch on 03/03/2031 10 a.m." in page
    assert re.findall(r'data-testid="event" data-action="(\w+)"', page).count("deadline") == 1
    zh = get(client, world.users.manager, detail(task), language="zh-hans")
    assert "设定期限" in zh


def test_an_after_photo_outside_the_site_says_how_far(client, world, west_task):
    rectifier = world.users.rectifier
    task = move(rectifier, west_task, "accept")
    photo(rectifier, task, lon=WEST[0] + 0.002, lat=WEST[1], role="after", seed=9)
    page = get(client, world.users.manager, detail(west_task))
    assert re.search(r"1\d\d m outside the task's site", page)


def test_the_manager_gets_the_forms_of_the_moves_the_service_allows(client, world, submitted):
    page = get(client, world.users.manager, detail(submitted))
    forms = re.findall(r'class="move-form[^"]*" data-action="(\w+)"', page)
    assert forms == ["verify", "reject", "defer", "void"]
    assert 'data-testid="tablet-hint"' not in page


def test_the_unit_gets_accept_return_and_a_hint_for_the_tablet(client, world, west_task):
    page = get(client, world.users.rectifier, detail(west_task))
    assert re.findall(r'class="move-form[^"]*" data-action="(\w+)"', page) == ["accept", "return"]
    assert 'data-testid="tablet-hint"' not in page  # nothing field-only yet
    move(world.users.rectifier, west_task, "accept")
    page = get(client, world.users.rectifier, detail(west_task))
    assert re.findall(r'class="move-form[^"]*" data-action="(\w+)"', page) == ["start", "return", "request_extension"]
    assert 'data-testid="tablet-hint"' in page and 'href="/m/"' in page


def test_an_inspector_of_the_area_can_only_verify(client, world, submitted):
    page = get(client, world.users.inspector, detail(submitted))
    assert re.findall(r'class="move-form[^"]*" data-action="(\w+)"', page) == ["verify", "reject"]


def test_the_task_page_is_read_in_a_bounded_number_of_queries(client, world, submitted, django_assert_max_num_queries):
    client.force_login(world.users.manager)
    with django_assert_max_num_queries(11):  # with the navigation's unread notifications
        assert client.get(detail(submitted)).status_code == 200


def test_the_trail_shows_a_late_synced_fix_with_its_claimed_and_received_time(client, world, phase):
    from django.utils import timezone

    from tests.inspections.task_builders import fixed_offline, make_task

    task = make_task(world, phase, lon=WEST[0], lat=WEST[1], now=timezone.now() - dt.timedelta(days=6))
    task = fixed_offline(world.users.rectifier, task, due_hours_ago=48, photo_hours_ago=0.1, claimed_hours_ago=96)
    page = get(client, world.users.manager, detail(task))
    submit = page.split('data-action="submit"')[1].split("</li>")[0]
    assert 'data-testid="late-synced"' in submit
    assert (
        "Synced late: the tablet says it was made on" in submit and "96 hours before the server received it" in submit
    )
    assert "counts from" in submit
    zh = get(client, world.users.manager, detail(task), language="zh-hans")
    assert "补传" in zh.split('data-action="submit"')[1].split("</li>")[0]
    accept = page.split('data-action="accept"')[1].split("</li>")[0]
    assert 'data-testid="late-synced"' not in accept


def test_the_trail_shows_the_tablets_clock_correction_and_the_last_sync_bound(client, world, phase):
    from django.utils import timezone

    from inspections.models import TaskEvent
    from inspections.rectification.timing import DeviceClock
    from tests.inspections.task_builders import fixed_offline, make_task

    task = make_task(world, phase, lon=WEST[0], lat=WEST[1], now=timezone.now() - dt.timedelta(days=6))
    behind = dt.timedelta(days=4)
    task = fixed_offline(
        world.users.rectifier,
        task,
        due_hours_ago=2,
        photo_hours_ago=5 + 96,
        claimed_hours_ago=4.9 + 96,
        clock=DeviceClock(offset=behind),
    )
    page = get(client, world.users.manager, detail(task))
    submit = page.split('data-action="submit"')[1].split("</li>")[0]
    assert 'data-testid="move-timing"' in submit
    assert "The tablet&#x27;s clock was 96 hours behind the server&#x27;s" in submit
    assert "4.9 hours before the server received it" in submit
    zh = get(client, world.users.manager, detail(task), language="zh-hans")
    assert "平板时钟比服务器慢 96 小时" in zh
    synced = timezone.now() - dt.timedelta(hours=1)
    TaskEvent.objects.filter(task=task, action="submit").update(
        data={"bound": "last_sync", "last_sync": synced.isoformat()}
    )
    page = get(client, world.users.manager, detail(task))
    assert "after which it held no older move: it counts from that sync." in page
