"""Forms of the task pages: the filters of the task list and one form for the moves a person makes in a browser.

The move form only reads what was posted; ``task_transition`` decides whether the move is allowed and valid.
"""

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.models import COMMUNITY_LEVEL
from geo.selectors import jurisdictions_for_user, units_for_user
from inspections.models import ProblemType, TaskStatus
from inspections.rectification.tasks import MoveInput
from inspections.rectification.workdays import business_hours
from inspections.rectification.workflow import PUBLIC_ACTIONS, Action
from inspections.selectors import dispatch_units
from inspections.web.widgets import DateInput, DateTimeInput

# Arriving and submitting need the device's position and photos taken on site: the tablet app makes them.
FIELD_ACTIONS = frozenset({Action.CHECK_IN, Action.SUBMIT})
PAGE_ACTIONS = [action for action in PUBLIC_ACTIONS if action not in FIELD_ACTIONS]
NOTE_MAX_LENGTH = 2000


class TaskListFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TaskStatus.choices, empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=None, empty_label=_("All"))
    jurisdiction = django_filters.ModelChoiceFilter(
        label=_("Community"), method="filter_jurisdiction", queryset=None, empty_label=_("All")
    )
    problem_type = django_filters.ModelChoiceFilter(
        label=_("Problem type"),
        field_name="finding__problem_type",
        queryset=ProblemType.objects.all(),
        to_field_name="code",
        empty_label=_("All"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.filters["unit"].queryset = units_for_user(user)
        self.filters["jurisdiction"].queryset = jurisdictions_for_user(user).filter(level=COMMUNITY_LEVEL)
        self.form.fields["unit"].label_from_instance = lambda unit: unit.display_name
        self.form.fields["jurisdiction"].label_from_instance = lambda j: j.display_name

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(value.subtree_q("jurisdiction__"))


def end_of_business(day: dt.date) -> dt.datetime:
    """A deadline given as a day: the end of that day's business hours, local time."""
    return timezone.make_aware(dt.datetime.combine(day, business_hours().end))


class MoveForm(forms.Form):
    """One move of a task; each page form shows the fields its move needs."""

    action = forms.ChoiceField(choices=[(action, action) for action in PAGE_ACTIONS], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("Choose a unit…"))
    due_at = forms.DateTimeField(label=_("New deadline"), required=False, widget=DateTimeInput())
    due_on = forms.DateField(
        label=_("Done by"),
        required=False,
        widget=DateInput(),
        help_text=_("The end of that day's business hours becomes the requested deadline."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = dispatch_units(user, task)
        self.fields["unit"].label_from_instance = lambda unit: unit.display_name

    def to_input(self) -> MoveInput:
        data = self.cleaned_data
        due_at = data.get("due_at")
        if due_at is None and data.get("due_on") is not None:
            due_at = end_of_business(data["due_on"])
        return MoveInput(action=data["action"], note=data.get("note") or "", unit=data.get("unit"), due_at=due_at)
