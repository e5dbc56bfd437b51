"""Calendar days in the admin: one by one, or a whole year's arrangement at once (``calendar_days_enter``).

Either way, saving gives the tasks that waited for that year's calendar their deadlines."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inspections.models import CalendarDay
from inspections.rectification.calendar import calendar_days_enter
from inspections.rectification.tasks import tasks_deadlines_fill

EXAMPLE_DAYS_OFF = "元旦 2027-01-01 ~ 2027-01-03\n春节 2027-02-06 ~ 2027-02-13"
EXAMPLE_WORKING_DAYS = "2027-02-14 春节调休上班"


class YearEntryForm(forms.Form):
    days_off = forms.CharField(
        label=_("Days off"),
        widget=forms.Textarea(attrs={"rows": 9, "cols": 60, "placeholder": EXAMPLE_DAYS_OFF}),
        help_text=_("One holiday period per line: its name, then its first and last day (or one date)."),
    )
    working_days = forms.CharField(
        label=_("Make-up working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60, "placeholder": EXAMPLE_WORKING_DAYS}),
        help_text=_("One weekend day worked instead (调休上班) per line, with its name if you like."),
    )


def deadlines_message(count: int) -> str:
    return ngettext(
        "%(count)d task waiting for this year's calendar got its deadline.",
        "%(count)d tasks waiting for this year's calendar got their deadlines.",
        count,
    ) % {"count": count}


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The office's holidays and make-up working days; they win over the calendar package (see ``workdays``)."""

    list_display = ["date", "weekday", "is_working_day", "name", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    ordering = ["-date"]
    change_list_template = "admin/inspections/calendarday/change_list.html"

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        filled = tasks_deadlines_fill()
        if filled:
            self.message_user(request, deadlines_message(filled))

    def get_urls(self):
        enter = path("year/", self.admin_site.admin_view(self.year_view), name="inspections_calendarday_year")
        return [enter, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_enter_year": self.may_enter_year(request)}
        return super().changelist_view(request, extra_context)

    def may_enter_year(self, request) -> bool:
        """Entering a year adds days and replaces those already entered."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def year_view(self, request):
        if not self.may_enter_year(request):
            raise PermissionDenied
        form = YearEntryForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                entered = calendar_days_enter(
                    days_off=form.cleaned_data["days_off"], working_days=form.cleaned_data["working_days"]
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                self.message_user(
                    request,
                    _("Saved %(off)d days off and %(working)d make-up working days (%(new)d new).")
                    % {"off": entered.days_off, "working": entered.working_days, "new": entered.created},
                    messages.SUCCESS,
                )
                if entered.deadlines_set:
                    self.message_user(request, deadlines_message(entered.deadlines_set))
                return redirect("admin:inspections_calendarday_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Enter a year's holidays"),
            "form": form,
        }
        return TemplateResponse(request, "admin/inspections/calendarday/year.html", context)
