"""What the offline sync keeps besides the records themselves: refused items and conflicting versions.

Both are keyed by (sender, digest of the item as sent), so replaying the same item any number of times updates one
row (attempts, last seen) and never adds another.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncRefusal(models.Model):
    """An item of a sync batch the server refused, with the reason given to the tablet, for a manager to look at."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="sync_refusals"
    )
    device = models.CharField(_("device"), max_length=64, blank=True)
    item_type = models.CharField(_("item type"), max_length=32, blank=True)
    item_id = models.CharField(_("item id"), max_length=64, blank=True, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, help_text=_("SHA-256 of the item as sent."))
    payload = models.JSONField(_("item as sent"))
    reason = models.TextField(_("reason"))
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    first_seen_at = models.DateTimeField(_("first refused"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last refused"))
    resolved_at = models.DateTimeField(
        _("accepted later"),
        null=True,
        blank=True,
        help_text=_("When the same item was stored on a later attempt (for example once its inspection arrived)."),
    )

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("refused sync item")
        verbose_name_plural = _("refused sync items")
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="mobile_forms_syncrefusal_once")]

    def __str__(self) -> str:
        return f"{self.item_type} {self.item_id}"


class SyncConflict(models.Model):
    """A second, different version of a record already stored (edited on two devices). The stored one was kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="sync_conflicts"
    )
    device = models.CharField(_("device"), max_length=64, blank=True)
    item_type = models.CharField(_("item type"), max_length=32)
    item_id = models.UUIDField(_("item id"), db_index=True)
    digest = models.CharField(_("digest"), max_length=64, help_text=_("SHA-256 of the item as sent."))
    payload = models.JSONField(_("version not kept"))
    differences = models.JSONField(_("fields that differ"), default=list)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    first_seen_at = models.DateTimeField(_("first received"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last received"))

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("sync conflict")
        verbose_name_plural = _("sync conflicts")
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="mobile_forms_syncconflict_once")]

    def __str__(self) -> str:
        return f"{self.item_type} {self.item_id}"


class DeviceSync(models.Model):
    """What the server knows of one tablet, for one person, from their syncs: when it last synced, its clock offset
    then, and the time before which it had no task move left to send (see ``inspections.rectification.timing``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="device_syncs"
    )
    device = models.CharField(_("device"), max_length=64)
    synced_at = models.DateTimeField(_("last sync received"))
    clock_offset = models.DurationField(
        _("clock offset"),
        null=True,
        blank=True,
        help_text=_("The server's time minus the tablet's at the last sync that sent its clock (positive: behind)."),
    )
    drained_at = models.DateTimeField(
        _("nothing older waiting since"),
        null=True,
        blank=True,
        help_text=_("The tablet had sent every task move made before this time, by what it said at its syncs."),
    )

    class Meta:
        ordering = ["-synced_at"]
        verbose_name = _("device sync")
        verbose_name_plural = _("device syncs")
        constraints = [models.UniqueConstraint(fields=["user", "device"], name="mobile_forms_devicesync_once")]

    def __str__(self) -> str:
        return f"{self.device} · {self.user}"
