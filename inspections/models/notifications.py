from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationEvent(models.TextChoices):
    NEW_TASK = "new_task", _("New task in the unit's area")
    DEADLINE_APPROACHING = "deadline_approaching", _("Deadline approaching")
    OVERDUE = "overdue", _("Overdue")
    FIX_REJECTED = "fix_rejected", _("Fix rejected")


class Notification(models.Model):
    """One event told to one person; its ``key`` names the occurrence, so each is recorded (and sent) once.

    The text is not stored: it is rendered from the event and the task in the reader's language.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    task = models.ForeignKey(
        "inspections.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=24, choices=NotificationEvent.choices)
    key = models.CharField(_("occurrence"), max_length=120)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_error = models.TextField(_("e-mail error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="inspections_notification_once"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="inspections_notif_unread")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient}"


class WebhookDelivery(models.Model):
    """One event posted to a unit's group robot (WeChat Work, DingTalk or generic JSON), once per occurrence."""

    unit = models.ForeignKey(
        "geo.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    task = models.ForeignKey(
        "inspections.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    event = models.CharField(_("event"), max_length=24, choices=NotificationEvent.choices)
    key = models.CharField(_("occurrence"), max_length=120)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="inspections_webhook_once")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.unit}"
