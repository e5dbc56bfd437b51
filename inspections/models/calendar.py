from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One day whose status the office sets by hand; it wins over the calendar package.

    Enter a whole year at once when the State Council publishes it (usually in November): every holiday and every
    make-up working day (调休). Once a year beyond the package's range has at least one row, its other days follow
    the Monday–Friday rule; a year with no row at all is refused
    (see ``inspections.rectification.workdays.CalendarUnknown``).
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked: a working day (e.g. a make-up working day on a weekend). Unticked: a day off."),
    )
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("e.g. 春节, 国庆节, 调休上班"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        label = f"{date_format(self.date, 'Y-m-d')} ({kind})"
        return f"{label} {self.name}" if self.name else label
