from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from geo.bilingual import BilingualName
from geo.validation import clean_point_or_polygonal

SCORE_WEIGHT_MIN = 0.01
SCORE_WEIGHT_MAX = 100.0


class HotspotCategory(BilingualName, models.Model):
    """A kind of place (建筑工地, 老旧小区 …); the twelve of the glossary are seeded and editable."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60)
    color = models.CharField(
        _("map colour"),
        max_length=7,
        default="#d9480f",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #d9480f."))],
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    score_weight = models.FloatField(
        _("score weight"),
        default=1.0,
        validators=[MinValueValidator(SCORE_WEIGHT_MIN), MaxValueValidator(SCORE_WEIGHT_MAX)],
        help_text=_(
            "How much a hotspot of this category counts in a community's or unit's score (1: like the others, "
            "2: twice as much)."
        ),
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("hotspot category")
        verbose_name_plural = _("hotspot categories")

    def __str__(self) -> str:
        return self.display_name


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Hotspot(models.Model):
    """A place (点位) that is inspected again and again: a point or an outline."""

    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # No index of its own: a handful of categories each hold a large share of the hotspots, so no query is helped
    # by one, while every bulk import paid for keeping it (see Meta.indexes for the sponsor).
    category = models.ForeignKey(
        HotspotCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="hotspots", db_index=False
    )
    geometry = models.GeometryField(_("location"), srid=4326, help_text=_("A point or an outline (polygon)."))
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="hotspots",
        editable=False,
    )
    sponsoring_unit = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("sponsoring unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_hotspots",
        help_text=_("The unit that answers for this hotspot (包保单位); findings on it are routed there."),
        db_index=False,
    )
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    active = models.BooleanField(_("active"), default=True)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("The hotspot's id in another system or GIS file: re-importing that file updates this hotspot."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~models.Q(external_id=""), name="geo_hotspot_external_id_unique"
            )
        ]
        # Only sponsored hotspots are looked up by their sponsor (a unit's scope): imported ones have none.
        indexes = [
            models.Index(
                fields=["sponsoring_unit"],
                condition=models.Q(sponsoring_unit__isnull=False),
                name="geo_hotspot_sponsor_idx",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """A hotspot has one name (its Chinese one), shown in every language, like the bilingual models' names."""
        return self.name

    def clean(self) -> None:
        if self.geometry is not None:
            try:
                self.geometry = clean_point_or_polygonal(self.geometry)
            except ValidationError as exc:
                raise ValidationError({"geometry": exc.messages}) from exc
