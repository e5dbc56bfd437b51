from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from geo.bilingual import BilingualName
from geo.validation import clean_polygonal


class JurisdictionKind(models.TextChoices):
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    AREA = "area", _("Area")
    TOWN = "town", _("Town")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    GRID = "grid", _("Grid cell")


LEVEL_OF_KIND = {
    JurisdictionKind.DISTRICT: 0,
    JurisdictionKind.SUBDISTRICT: 1,
    JurisdictionKind.AREA: 1,
    JurisdictionKind.TOWN: 1,
    JurisdictionKind.COMMUNITY: 2,
    JurisdictionKind.VILLAGE: 2,
    JurisdictionKind.GRID: 3,
}
# Communities and villages (社区/村): the level that is ranked and reported on.
COMMUNITY_LEVEL = LEVEL_OF_KIND[JurisdictionKind.COMMUNITY]


def community_of(jurisdiction):
    """The community (or village) a jurisdiction lies in: itself, or the parent of a grid cell."""
    while jurisdiction is not None and jurisdiction.level > COMMUNITY_LEVEL:
        jurisdiction = jurisdiction.parent
    return jurisdiction if jurisdiction is not None and jurisdiction.level == COMMUNITY_LEVEL else None


class Jurisdiction(BilingualName, models.Model):
    """One node of 区 → 街道/地区/镇 → 社区/村 → 网格.

    Official division codes are hierarchical prefixes (110106 → 110106016 → 110106016001 → …), so a child's code
    starts with its parent's and a subtree is a prefix query on `code`.
    """

    code = models.CharField(
        _("official code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^\d{6,20}$", _("An official code is 6 to 20 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=JurisdictionKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), editable=False)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        indexes = [models.Index(fields=["level"], name="geo_jurisdiction_level")]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    def save(self, *args, **kwargs):
        self.level = LEVEL_OF_KIND[self.kind]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.boundary is not None:
            try:
                self.boundary = clean_polygonal(self.boundary)
            except ValidationError as exc:
                errors["boundary"] = exc.messages
        level = LEVEL_OF_KIND.get(self.kind)
        if self.parent_id is None and level not in (None, 0):
            errors["parent"] = [_("Only a district can be a root; choose the jurisdiction this one belongs to.")]
        if self.parent is not None and level is not None:
            if self.parent.level >= level:
                errors["parent"] = [
                    _("A %(kind)s cannot belong to a %(parent_kind)s.")
                    % {"kind": self.get_kind_display(), "parent_kind": self.parent.get_kind_display()}
                ]
            elif self.code and not self.code.startswith(self.parent.code):
                errors["code"] = [
                    _("The code must start with the parent's code %(code)s.") % {"code": self.parent.code}
                ]
        if errors:
            raise ValidationError(errors)

    def subtree_q(self, prefix: str = "") -> models.Q:
        """Q for this jurisdiction and everything below it, on a relation reached through `prefix`."""
        return models.Q(**{f"{prefix}code__startswith": self.code})
