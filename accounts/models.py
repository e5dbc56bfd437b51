from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector")
    VOLUNTEER = "volunteer", _("Civility supervisor / volunteer")
    RECTIFIER = "rectifier", _("Rectification unit member")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VOLUNTEER)
    unit = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_users",
        help_text=_("The area this person oversees or patrols; managers see its whole subtree."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails and messages this person receives."),
    )
    is_unit_head = models.BooleanField(
        _("head of the unit"),
        default=False,
        help_text=_("Overdue tasks of the unit are escalated to its head (督办)."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """Chinese names read family name first, without a space (刘志强); others as Django writes them."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if _is_cjk(first + last):
            return f"{last}{first}"
        return super().get_full_name()

    def scope_root(self):
        """The jurisdiction whose subtree this person sees: their assignment, else their unit's jurisdiction."""
        if self.jurisdiction_id:
            return self.jurisdiction
        if self.unit_id:
            return self.unit.jurisdiction
        return None


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)
