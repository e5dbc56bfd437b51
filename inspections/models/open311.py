from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportingClient(models.Model):
    """A system that sends citizens' reports through Open311 (a 随手拍 app, a hotline): one API key, one account.

    Only a hash of the key is kept; the key itself is shown once, when it is made (``open311_apikey``). The reports
    are recorded by the client's own volunteer account, so they wait for a manager's triage like a volunteer's."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_prefix = models.CharField(
        _("key begins with"), max_length=8, editable=False, help_text=_("The first characters, to recognise a key.")
    )
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, unique=True, editable=False)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="reporting_client",
        help_text=_("The volunteer account the client's reports are recorded by."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("An inactive client's key is refused."))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name


class PublicReport(models.Model):
    """A citizen's report received through Open311: the finding it became, and what came with it.

    The reporter's name, e-mail and phone are kept for the managers (to ask back) and never shown publicly."""

    finding = models.OneToOneField(
        "inspections.Finding",
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="public_report",
    )
    client = models.ForeignKey(
        ReportingClient, verbose_name=_("Open311 client"), on_delete=models.PROTECT, related_name="reports"
    )
    client_key = models.CharField(
        _("idempotency key"),
        max_length=100,
        blank=True,
        help_text=_("The key the client sent with the report (Idempotency-Key), so that a replay is stored once."),
    )
    address_string = models.CharField(_("address"), max_length=255, blank=True)
    hotspot = models.ForeignKey(
        "geo.Hotspot",
        verbose_name=_("place named"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_reports",
        help_text=_("The hotspot the report's address or address_id named, when it came without lat and long."),
    )
    media_url = models.URLField(_("media URL"), max_length=1000, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=32, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("reporter's account id"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "client_key"], condition=~Q(client_key=""), name="inspections_publicreport_replay"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.finding_id}"
