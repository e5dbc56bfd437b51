"""The weekly briefing: built for each manager's area and e-mailed with both files, in each manager's language."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from inspections.models import Briefing, BriefingStatus
from inspections.reporting.briefings.weekly import last_week, weekly_briefings_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def next_monday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def test_last_week_is_monday_to_sunday_before_this_week():
    period = last_week(dt.date(2026, 3, 11))  # a Wednesday
    assert (period.start, period.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))


def test_each_area_is_briefed_and_its_managers_get_both_files_in_their_language(world, phase, briefed):
    west, area = world.users.west_manager, world.users.manager
    west.email, west.language = "west@example.org", "en"
    west.save()
    area.email, area.language = "area@example.org", "zh-hans"
    area.save()
    UserFactory(username="no_mail_manager", role="manager", jurisdiction=world.east, email="")
    run = weekly_briefings_send(today=next_monday())
    assert (run.briefings, run.failed, run.emails_sent, run.emails_failed) == (2, 0, 2, 0)
    assert set(Briefing.objects.filter(scheduled=True).values_list("scope", "status")) == {
        (world.west.pk, BriefingStatus.DONE),
        (world.area.pk, BriefingStatus.DONE),
    }
    by_recipient = {message.to[0]: message for message in mail.outbox}
    english, chinese = by_recipient["west@example.org"], by_recipient["area@example.org"]
    assert "Weekly briefing of West" in english.subject
    assert "周" in chinese.subject
    for message in (english, chinese):
        names = sorted(name.rsplit(".", 1)[1] for name, _content, _mime in message.attachments)
        assert names == ["docx", "xlsx"]
        assert all(len(content) > 1000 for _name, content, _mime in message.attachments)
        assert message.alternatives and "/dashboard/briefings/" in message.body


def test_a_week_without_a_running_phase_sends_nothing(world, phase):
    world.users.manager.email = "area@example.org"
    world.users.manager.save()
    run = weekly_briefings_send(today=phase.ends_on + dt.timedelta(days=30))
    assert run.phase == "" and run.briefings == 0 and mail.outbox == []


def test_the_command_reports_what_it_sent(world, phase, briefed, capsys):
    world.users.west_manager.email = "west@example.org"
    world.users.west_manager.save()
    call_command("send_weekly_briefing", today=next_monday().isoformat())
    out = capsys.readouterr().out
    assert "1 briefings (0 failed), 1 e-mails sent" in out
    assert len(mail.outbox) == 1


def test_the_command_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_weekly_briefing", today="next monday")
