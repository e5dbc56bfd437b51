"""Posting events to a unit's group robot: WeChat Work (企业微信), DingTalk (钉钉) or any endpoint that takes JSON.

The payload is made when the occurrence is recorded and kept with the delivery, so a retry posts the same message.
Robots answer HTTP 200 with ``{"errcode": 0}`` when they took the message; any other answer (a redirect included),
an HTTP error, a timeout or an address `geo.outbound` refuses (the server's own or internal network) is a failure,
recorded on the delivery and retried by the reminder job up to ``WEBHOOK_MAX_ATTEMPTS``. A delivery is claimed
(``sent_at`` set) before it is posted, so two runs at once never post it twice; a failure releases it for the next
run.

Signing, when the unit has a webhook secret: a DingTalk robot with 加签 gets ``timestamp`` and ``sign`` in its
address (DingTalk's scheme); a generic endpoint gets ``X-Signature-256: sha256=<hex HMAC-SHA256 of the body>``
with the secret as key (the body is sent exactly as signed). WeChat Work robots are not signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

import urllib3
from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo.models import Unit
from geo.models.units import WebhookFormat
from geo.outbound import OutboundRefused
from inspections.models import WebhookDelivery
from inspections.rectification.notifications import transport
from inspections.rectification.notifications.texts import message_for, place_of, task_facts, task_url

if TYPE_CHECKING:
    from inspections.rectification.notifications.occurrences import Occurrence

logger = logging.getLogger(__name__)

# The district's groups read Chinese; the generic JSON carries the English as well.
GROUP_LANGUAGE = "zh-hans"
ROBOTS = frozenset({WebhookFormat.WECOM, WebhookFormat.DINGTALK})
WECOM_MARKDOWN_MAX_BYTES = 4096
SIGNATURE_HEADER = "X-Signature-256"
ERROR_MAX_CHARS = 2000


@dataclass
class Sent:
    sent: int = 0
    failed: int = 0


def webhook_payload(occurrence: Occurrence, unit: Unit) -> dict:
    """The body to post to the unit's robot, in the unit's webhook format."""
    with translation.override(GROUP_LANGUAGE):
        message = message_for(occurrence.event, occurrence.task)
        lines = _markdown_lines(occurrence, message.title, message.text)
        summary = _task_summary(occurrence)
    if unit.webhook_format == WebhookFormat.WECOM:
        content = _cut_to_bytes("\n".join(lines), WECOM_MARKDOWN_MAX_BYTES)
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if unit.webhook_format == WebhookFormat.DINGTALK:
        # DingTalk's markdown needs an empty line between paragraphs.
        return {"msgtype": "markdown", "markdown": {"title": message.title, "text": "\n\n".join(lines)}}
    with translation.override("en"):
        english = message_for(occurrence.event, occurrence.task)
    return {
        "event": occurrence.event,
        "key": occurrence.key,
        "title": message.title,
        "text": message.text,
        "title_en": english.title,
        "text_en": english.text,
        "note": occurrence.note,
        "task": summary,
    }


def _markdown_lines(occurrence: Occurrence, title: str, text: str) -> list[str]:
    facts = task_facts(occurrence.task)
    lines = [
        f"### {title}",
        text,
        "> " + _("Problem: %(value)s (%(severity)s)") % {"value": facts["problem"], "severity": facts["severity"]},
        "> " + _("Place: %(value)s") % {"value": facts["place"]},
        "> " + _("Unit: %(value)s") % {"value": facts["unit"]},
        "> " + _("Deadline: %(value)s") % {"value": facts["deadline"]},
    ]
    if occurrence.note:
        lines.append("> " + _("Reason: %(value)s") % {"value": " ".join(occurrence.note.split())})
    lines.append(f"[{_('Open the task')}]({task_url(occurrence.task)})")
    return lines


def _task_summary(occurrence: Occurrence) -> dict:
    task = occurrence.task
    problem_type = task.finding.problem_type
    return {
        "id": str(task.pk),
        "url": task_url(task),
        "status": task.status,
        "problem_type": problem_type.code,
        "problem_type_name": problem_type.name,
        "problem_type_name_en": problem_type.name_en,
        "severity": task.finding.severity,
        "place": place_of(task),
        "hotspot": {"id": task.hotspot_id, "name": task.hotspot.name} if task.hotspot_id else None,
        "jurisdiction": {"code": task.jurisdiction.code, "name": task.jurisdiction.name},
        "unit": {"id": task.unit_id, "name": task.unit.name} if task.unit_id else None,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "location": {"lon": task.location.x, "lat": task.location.y},
    }


def _cut_to_bytes(text: str, limit: int) -> str:
    data = text.encode()
    return text if len(data) <= limit else data[: limit - 3].decode(errors="ignore") + "…"


# ---------------------------------------------------------------- posting


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 6))


def webhooks_send(*, keys: list[str] | None = None) -> Sent:
    """Post the deliveries not yet sent (of these occurrences, or all) whose attempts are not used up."""
    pending = WebhookDelivery.objects.select_related("unit").filter(
        sent_at__isnull=True, attempts__lt=max_attempts(), unit__active=True
    )
    pending = pending.exclude(unit__webhook_url="")
    if keys is not None:
        pending = pending.filter(key__in=keys)
    result = Sent()
    for delivery in list(pending.order_by("pk")):
        if not webhook_claim(delivery):
            continue
        if _post(delivery):
            result.sent += 1
        else:
            result.failed += 1
    return result


def webhook_claim(delivery: WebhookDelivery) -> bool:
    """Take the delivery for this run; False when another run has it (or has sent it)."""
    return bool(
        WebhookDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True, attempts__lt=max_attempts()).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1
        )
    )


def _post(delivery: WebhookDelivery) -> bool:
    unit = delivery.unit
    status_code = None
    url, body, headers = webhook_request(unit, delivery.payload)
    try:
        response = transport.post(
            url, body=body, headers=headers, timeout=float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 5))
        )
    except OutboundRefused as error:
        problem = str(error)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        problem = f"{type(error).__name__}: {error}"
    else:
        status_code = response.status_code
        problem = answer_problem(response, unit.webhook_format)
    rows = WebhookDelivery.objects.filter(pk=delivery.pk)
    if problem:
        rows.update(sent_at=None, status_code=status_code, last_error=problem[:ERROR_MAX_CHARS])
        logger.warning("Webhook of %s for %s failed: %s", unit, delivery.key, problem)
        return False
    rows.update(sent_at=timezone.now(), status_code=status_code, last_error="")
    return True


def webhook_request(unit: Unit, payload: dict) -> tuple[str, bytes, dict[str, str]]:
    """The address, body and headers of a post to the unit's endpoint, signed when the unit has a secret."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    url, secret = unit.webhook_url, unit.webhook_secret
    if secret and unit.webhook_format == WebhookFormat.DINGTALK:
        url = dingtalk_signed_url(url, secret, timestamp_ms=int(time.time() * 1000))
    elif secret and unit.webhook_format == WebhookFormat.GENERIC:
        headers[SIGNATURE_HEADER] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return url, body, headers


def dingtalk_signed_url(url: str, secret: str, *, timestamp_ms: int) -> str:
    """DingTalk's 加签: ``sign`` = Base64(HMAC-SHA256 with the secret as key, of "<timestamp>\\n<secret>"),
    URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


def answer_problem(response: transport.Answer, webhook_format: str) -> str:
    """What is wrong with the endpoint's answer; empty when it took the message."""
    robot = webhook_format in ROBOTS
    if (robot and response.status_code != 200) or not 200 <= response.status_code < 300:
        return f"HTTP {response.status_code}: {response.text[:500]}"
    try:
        body = response.json()
    except ValueError:
        return "The robot did not answer with JSON." if robot else ""
    errcode = body.get("errcode") if isinstance(body, dict) else None
    if errcode is None and not robot:
        return ""
    if errcode != 0:
        errmsg = body.get("errmsg", "") if isinstance(body, dict) else ""
        return f"errcode {errcode}: {errmsg}"
    return ""
