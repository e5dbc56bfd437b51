"""Sending what is recorded and not yet sent: e-mails and group-robot messages."""

from dataclasses import dataclass, field

from inspections.rectification.notifications.emails import emails_send
from inspections.rectification.notifications.webhooks import Sent, webhooks_send


@dataclass
class Delivered:
    emails: Sent = field(default_factory=Sent)
    webhooks: Sent = field(default_factory=Sent)


def deliveries_send(*, keys: list[str] | None = None) -> Delivered:
    """Send the e-mails and robot messages of these occurrences, or (no keys) retry everything unsent."""
    return Delivered(emails=emails_send(keys=keys), webhooks=webhooks_send(keys=keys))
