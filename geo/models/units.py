from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo.bilingual import BilingualName
from geo.geodesy import area_m2
from geo.outbound import OutboundRefused, vet_url
from geo.validation import clean_polygonal


class UnitKind(models.TextChoices):
    COMMUNITY_COMMITTEE = "community_committee", _("Community committee")
    PROPERTY_MANAGER = "property_manager", _("Property manager")
    ENFORCEMENT_SQUAD = "enforcement_squad", _("Enforcement squad")
    RESIDENT_ENTERPRISE = "resident_enterprise", _("Resident enterprise or institution")
    CAMPAIGN_OFFICE = "campaign_office", _("Campaign office")
    OTHER = "other", _("Other")


class WebhookFormat(models.TextChoices):
    GENERIC = "generic", _("Generic JSON")
    WECOM = "wecom", _("WeChat Work group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class Unit(BilingualName, models.Model):
    """A rectification unit (整改责任单位) and its service area (geofence)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("The jurisdiction the unit belongs to."),
    )
    service_area = models.MultiPolygonField(_("service area"), srid=4326, null=True, blank=True)
    service_area_m2 = models.FloatField(_("service area (m²)"), null=True, editable=False)
    routing_priority = models.SmallIntegerField(
        _("routing priority"),
        default=0,
        help_text=_(
            "Where service areas overlap, the highest priority wins; at equal priority the smallest area wins. "
            "Leave 0 unless this unit must override the others."
        ),
    )
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    webhook_url = models.URLField(
        _("webhook URL"),
        blank=True,
        help_text=_("A group robot's address (WeChat Work, DingTalk) or any URL that accepts a JSON POST."),
    )
    webhook_format = models.CharField(
        _("webhook format"), max_length=10, choices=WebhookFormat.choices, default=WebhookFormat.GENERIC
    )
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=128,
        blank=True,
        help_text=_(
            "Optional. DingTalk: the robot's signing secret (加签, starts with SEC). Generic JSON: a shared secret; "
            "each POST then carries X-Signature-256: sha256=<HMAC-SHA256 of the body>."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        if self.service_area is not None:
            try:
                self.service_area = clean_polygonal(self.service_area)
            except ValidationError as exc:
                raise ValidationError({"service_area": exc.messages}) from exc
        if self.webhook_url:
            try:
                # A name that does not resolve now is let through: it is checked again before each post.
                vet_url(self.webhook_url, resolve=False)
            except OutboundRefused as exc:
                raise ValidationError({"webhook_url": str(exc)}) from exc
        if self.webhook_secret and self.webhook_format == WebhookFormat.WECOM:
            raise ValidationError(
                {"webhook_secret": _("WeChat Work robots are not signed: leave the secret empty for them.")}
            )

    def save(self, *args, **kwargs):
        # Cached because routing orders overlapping areas by size on every lookup.
        self.service_area_m2 = area_m2(self.service_area) if self.service_area is not None else None
        super().save(*args, **kwargs)
