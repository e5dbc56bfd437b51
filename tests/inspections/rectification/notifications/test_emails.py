"""E-mails: in each recipient's language, text and HTML, with the task's link; failures are retried, never doubled."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import dateformat, timezone

from inspections.models import Notification
from inspections.rectification.notifications.reminders import task_reminders_send

pytestmark = pytest.mark.django_db
SITE = "https://wenming.example.gov.cn"


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def mail_to(address: str):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


@override_settings(SITE_URL=SITE)
def test_each_recipient_gets_one_email_in_their_language_with_the_task_and_its_link(people, register):
    mail.outbox.clear()
    task = register(problem="street_vending", severity="major")
    link = f"{SITE}/tasks/{task.pk}/"
    local = timezone.localtime(task.due_at)

    english = mail_to("east@example.org")
    assert english.subject == "[Civic hotspot inspection] New task: Street vending"
    assert "Street vending" in english.body and "(Major)" in english.body
    assert "East committee" not in english.body and "东社区居委会" in english.body  # the unit has no English name
    assert dateformat.format(local, "N j, Y") in english.body and "年" not in english.body  # "Dec. 1, 2026"
    assert link in english.body
    html, mimetype = english.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html and "Street vending" in html

    chinese = mail_to("colleague@example.org")
    assert "占道经营" in chinese.subject and "占道经营" in chinese.body
    assert f"{local.year}年{local.month}月{local.day}日" in chinese.body and ", 20" not in chinese.body
    assert link in chinese.body and 'lang="zh-hans"' in chinese.alternatives[0][0]

    # One each; a member without an address and an inactive member get none.
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@example.org", "east@example.org", "head@example.org"]
    notifications = Notification.objects.filter(task=task)
    assert all(n.emailed_at is not None and n.email_error == "" for n in notifications)


def test_a_failed_email_is_recorded_retried_by_the_job_and_sent_once(people, register):
    mail.outbox.clear()
    with override_settings(EMAIL_BACKEND="tests.inspections.rectification.notifications.test_emails.BrokenBackend"):
        task = register()
    failed = Notification.objects.get(recipient=people.member)
    assert failed.emailed_at is None and "the mail server is down" in failed.email_error
    assert not mail.outbox

    task_reminders_send(now=task.due_at - dt.timedelta(days=30))
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@example.org", "east@example.org", "head@example.org"]
    failed.refresh_from_db()
    assert failed.emailed_at is not None and failed.email_error == ""

    task_reminders_send(now=task.due_at - dt.timedelta(days=30))
    assert len(mail.outbox) == 3


@override_settings(NOTIFICATION_EMAIL_RETRY_HOURS=1)
def test_an_email_that_kept_failing_is_given_up_after_the_retry_window(people, register):
    mail.outbox.clear()
    with override_settings(EMAIL_BACKEND="tests.inspections.rectification.notifications.test_emails.BrokenBackend"):
        task = register()
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    task_reminders_send(now=task.due_at - dt.timedelta(days=30))
    assert not mail.outbox
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_the_email_of_a_rejected_fix_gives_the_reason(people, register, submitted, move):
    task = submitted(register(), people.member)
    mail.outbox.clear()
    move(people.inspector, task, "reject", note="摊位仍在人行道上")
    message = mail_to("east@example.org")
    assert message.subject == "[Civic hotspot inspection] Fix rejected: Street vending"
    assert "Reason: 摊位仍在人行道上" in message.body
