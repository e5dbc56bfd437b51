"""Forms of the task pages: the filters of the task list and the form of each move a person makes in a browser.

A move's form has the fields its move declares in the workflow table, in the declared order. The form only reads
what was posted (every declared field is optional here); ``task_transition`` decides whether the move is allowed
and its fields are valid, from the same declaration.
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
from inspections.rectification.workflow import MOVES, PUBLIC_ACTIONS, FieldKind, Move, MoveField
from inspections.selectors import dispatch_units
from inspections.web.widgets import DateInput, DateTimeInput

# Moves made with the device's position or photos taken on site are the tablet app's.
PAGE_ACTIONS = [action for action in PUBLIC_ACTIONS if not MOVES[action].on_site]
# A deadline given as a day is posted as ``due_on``; the form makes it the deadline ``due_at``.
DAY_FIELD = "due_on"


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
    """One move of a task: the action, the fields the move declares, and where to go next."""

    action = forms.ChoiceField(choices=[(action, action) for action in PAGE_ACTIONS], widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, task, move: Move | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.move = move
        # (form field name, its declaration), in the declared order.
        self.declared: list[tuple[str, MoveField]] = []
        for declared in move.fields if move is not None else ():
            name = DAY_FIELD if declared.kind == FieldKind.DAY else declared.name
            self.fields[name] = _form_field(declared, user, task)
            self.declared.append((name, declared))

    def to_input(self) -> MoveInput:
        data = self.cleaned_data
        due_at = data.get("due_at")
        if due_at is None and data.get(DAY_FIELD) is not None:
            due_at = end_of_business(data[DAY_FIELD])
        return MoveInput(action=data["action"], note=data.get("note") or "", unit=data.get("unit"), due_at=due_at)


def _form_field(declared: MoveField, user, task) -> forms.Field:
    attrs = {"required": True} if declared.required else {}
    common = {"label": declared.label, "required": False, "help_text": declared.help}
    if declared.kind == FieldKind.TEXT:
        if declared.required:
            attrs["placeholder"] = _("Say why")
        return forms.CharField(
            max_length=declared.max_length, widget=forms.Textarea(attrs={"rows": 2, **attrs}), **common
        )
    if declared.kind == FieldKind.UNIT:
        field = forms.ModelChoiceField(
            queryset=dispatch_units(user, task), empty_label=_("Choose a unit…"), widget=forms.Select(attrs), **common
        )
        field.label_from_instance = lambda unit: unit.display_name
        return field
    if declared.kind == FieldKind.DAY:
        return forms.DateField(widget=DateInput(attrs), **common)
    if declared.kind == FieldKind.DATETIME:
        return forms.DateTimeField(widget=DateTimeInput(attrs), **common)
    raise ValueError(f"A page cannot ask for a field of kind {declared.kind}.")
