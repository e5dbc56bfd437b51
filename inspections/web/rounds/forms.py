"""The round form: every choice offered is in the planner's area (the services check it again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from geo.models import HotspotCategory
from geo.selectors import jurisdictions_for_user
from inspections.models import Phase
from inspections.rounds.services import (
    RoundInput,
    assignable_inspectors,
    communities_for,
    grid_cells_for,
    plannable_hotspots,
)
from inspections.web.widgets import DateInput

OUTSIDE = _("Choose one of those listed: the others lie outside your area.")


def _person(user) -> str:
    return f"{user.get_full_name() or user.get_username()} ({user.get_role_display()})"


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    jurisdiction = forms.ModelChoiceField(label=_("Area"), queryset=None, error_messages={"invalid_choice": OUTSIDE})
    day = forms.DateField(label=_("Day"), required=False, widget=DateInput(), help_text=_("A round for one day…"))
    phase = forms.ModelChoiceField(
        label=_("Phase"),
        queryset=Phase.objects.select_related("campaign").filter(campaign__active=True).order_by("-starts_on"),
        required=False,
        help_text=_("…or for a whole campaign phase."),
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": OUTSIDE},
    )
    hotspots = forms.ModelMultipleChoiceField(
        label=_("Hotspots"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        error_messages={"invalid_choice": OUTSIDE},
    )
    grid_cells = forms.ModelMultipleChoiceField(
        label=_("Grid cells"), queryset=None, required=False, error_messages={"invalid_choice": OUTSIDE}
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("Communities"), queryset=None, required=False, error_messages={"invalid_choice": OUTSIDE}
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=HotspotCategory.objects.filter(active=True), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions_for_user(user).filter(level__lte=2)
        self.fields["inspectors"].queryset = assignable_inspectors(user)
        self.fields["inspectors"].label_from_instance = _person
        self.fields["hotspots"].queryset = plannable_hotspots(user).order_by("jurisdiction__code", "name")
        self.fields["grid_cells"].queryset = grid_cells_for(user)
        self.fields["communities"].queryset = communities_for(user)

    def clean(self):
        data = super().clean()
        if bool(data.get("day")) == bool(data.get("phase")):
            raise forms.ValidationError(_("A round is for one day or for one phase: give exactly one of them."))
        return data

    def round_input(self) -> RoundInput:
        data = self.cleaned_data
        return RoundInput(
            title=data["title"],
            jurisdiction=data["jurisdiction"],
            inspectors=list(data["inspectors"]),
            day=data.get("day"),
            phase=data.get("phase"),
            hotspots=list(data["hotspots"]),
            grid_cells=list(data["grid_cells"]),
            communities=list(data["communities"]),
            categories=list(data["categories"]),
            note=data["note"],
        )


class CoverageForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The end date comes before the start date."))
        return data
