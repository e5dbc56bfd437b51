"""Units' group robots, against a real local HTTP server: each format, failures retried by the job, never doubled."""

import base64
import datetime as dt
import hashlib
import hmac
import time
import urllib.parse

import pytest
from django.test import override_settings

from inspections.models import NotificationEvent, WebhookDelivery
from inspections.rectification.notifications.reminders import task_reminders_send

pytestmark = pytest.mark.django_db
SITE = "https://wenming.example.gov.cn"


def job(task):
    """A run of the reminder job long before the task's deadline: it only retries."""
    return task_reminders_send(now=task.due_at - dt.timedelta(days=30))


@override_settings(SITE_URL=SITE)
def test_wecom_gets_a_markdown_message_with_the_task_and_its_link(register, with_robot, robot):
    with_robot("wecom")
    task = register()
    [post] = robot.posts
    assert post["path"] == "/cgi-bin/webhook/send?key=test"
    assert set(post["body"]) == {"msgtype", "markdown"} and post["body"]["msgtype"] == "markdown"
    content = post["body"]["markdown"]["content"]
    assert content.startswith("### ") and "占道经营" in content and "东社区居委会" in content
    assert f"({SITE}/tasks/{task.pk}/)" in content
    assert len(content.encode()) <= 4096
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status_code, delivery.attempts, delivery.last_error) == (200, 1, "")
    assert delivery.sent_at is not None and delivery.payload == post["body"]


@override_settings(SITE_URL=SITE)
def test_dingtalk_gets_a_markdown_message_with_a_title(register, with_robot, robot):
    with_robot("dingtalk")
    task = register()
    [post] = robot.posts
    assert post["body"]["msgtype"] == "markdown"
    markdown = post["body"]["markdown"]
    assert set(markdown) == {"title", "text"}
    assert "占道经营" in markdown["title"] and "\n\n" in markdown["text"]
    assert f"({SITE}/tasks/{task.pk}/)" in markdown["text"]


def test_a_dingtalk_robot_with_a_signing_secret_gets_timestamp_and_sign(register, with_robot, robot):
    secret = "SEC0123456789abcdef"
    with_robot("dingtalk", secret=secret)
    before = int(time.time() * 1000)
    register()
    [post] = robot.posts
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(post["path"]).query)
    timestamp = int(query["timestamp"][0])
    assert before <= timestamp <= int(time.time() * 1000)
    # DingTalk's own check: Base64(HMAC-SHA256(secret, "timestamp\nsecret")).
    expected = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert base64.b64decode(query["sign"][0]) == expected
    assert query["key"] == ["test"]  # the address's own query is kept
    assert WebhookDelivery.objects.get().sent_at is not None


def test_a_generic_endpoint_with_a_secret_can_check_the_body_it_got(register, with_robot, robot):
    with_robot("generic", secret="共享密钥")
    register()
    [post] = robot.posts
    signature = hmac.new("共享密钥".encode(), post["raw"], hashlib.sha256).hexdigest()
    assert post["headers"]["X-Signature-256"] == f"sha256={signature}"
    assert post["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert "占道经营" in post["raw"].decode()  # UTF-8, as signed


def test_wecom_robots_take_no_secret(world):
    from django.core.exceptions import ValidationError

    unit = world.east_committee
    unit.webhook_format, unit.webhook_secret = "wecom", "SECabc"
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "webhook_secret" in error.value.message_dict


@override_settings(SITE_URL=SITE)
def test_the_generic_json_carries_the_event_the_task_and_the_text_in_both_languages(register, with_robot, robot):
    with_robot("generic")
    task = register()
    [post] = robot.posts
    body = post["body"]
    assert body["event"] == NotificationEvent.NEW_TASK and body["key"].startswith(f"new_task:{task.pk}:")
    assert "占道经营" in body["text"] and "Street vending" in body["text_en"]
    assert body["task"] == {
        "id": str(task.pk),
        "url": f"{SITE}/tasks/{task.pk}/",
        "status": "dispatched",
        "problem_type": "street_vending",
        "problem_type_name": "占道经营",
        "problem_type_name_en": "Street vending",
        "severity": "major",
        "place": "东社区",
        "hotspot": None,
        "jurisdiction": {"code": "110106016002", "name": "东社区"},
        "unit": {"id": task.unit_id, "name": "东社区居委会"},
        "due_at": task.due_at.isoformat(),
        "location": {"lon": pytest.approx(116.2305), "lat": pytest.approx(39.8460)},
    }


@pytest.mark.parametrize("webhook_format", ["wecom", "dingtalk"])
def test_a_robot_refusing_the_message_is_retried_by_the_job_until_it_takes_it_then_never_again(
    webhook_format, register, with_robot, robot
):
    with_robot(webhook_format)
    robot.answer(200, {"errcode": 310000, "errmsg": "keywords not in content"})
    task = register()
    delivery = WebhookDelivery.objects.get()
    assert delivery.sent_at is None and delivery.attempts == 1
    assert (delivery.status_code, delivery.last_error) == (200, "errcode 310000: keywords not in content")

    run = job(task)
    assert (run.retried.webhooks.sent, run.retried.webhooks.failed) == (1, 0)
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.attempts == 2 and delivery.last_error == ""
    assert len(robot.posts) == 2 and robot.posts[0]["body"] == robot.posts[1]["body"]

    job(task)
    job(task)
    assert len(robot.posts) == 2


def test_http_errors_and_answers_that_are_not_json_are_failures(register, with_robot, robot):
    with_robot("wecom")
    robot.answer(502, {"error": "bad gateway"})
    task = register()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status_code == 502 and delivery.last_error.startswith("HTTP 502")

    robot.answer(200, b"<html>login</html>")
    job(task)
    delivery.refresh_from_db()
    assert delivery.sent_at is None and delivery.last_error == "The robot did not answer with JSON."


@override_settings(WEBHOOK_TIMEOUT_SECONDS=0.3)
def test_a_robot_that_does_not_answer_in_time_is_a_failure(register, with_robot, robot):
    with_robot("dingtalk")
    robot.answer(200, None, delay=1.0)
    register()
    delivery = WebhookDelivery.objects.get()
    assert delivery.sent_at is None and delivery.status_code is None
    assert "Timeout" in delivery.last_error


@override_settings(WEBHOOK_MAX_ATTEMPTS=3)
def test_a_message_is_given_up_after_the_maximum_attempts(register, with_robot, robot):
    with_robot("wecom")
    for _ in range(5):
        robot.answer(200, {"errcode": 45009, "errmsg": "api freq out of limit"})
    task = register()
    for _ in range(4):
        job(task)
    assert len(robot.posts) == 3
    assert WebhookDelivery.objects.get().attempts == 3


def test_a_generic_endpoint_may_answer_with_any_success_status_and_no_body(register, with_robot, robot):
    with_robot("generic")
    robot.answer(204, b"")
    register()
    delivery = WebhookDelivery.objects.get()
    assert delivery.sent_at is not None and delivery.status_code == 204


def test_a_unit_whose_robot_was_removed_is_not_posted_to(world, register, with_robot, robot):
    with_robot("wecom")
    robot.answer(500, {})
    task = register()
    world.east_committee.webhook_url = ""
    world.east_committee.save()
    job(task)
    assert len(robot.posts) == 1
