"""Refusal reasons name the fields."""

from django.core.exceptions import ValidationError

from inspections.errors import Conflict
from mobile_forms.sync.reasons import describe


def test_reasons_name_the_fields():
    assert describe(ValidationError({"location": ["Outside."], "__all__": ["Whole."]})) == "location: Outside.; Whole."
    assert describe(ValidationError("Plain.")) == "Plain."
    assert describe(Conflict("Taken.")) == "Taken."
    errors = {"findings": {"1": {"location": {"lon": ["Too big."]}}}, "non_field_errors": ["Bad."]}
    assert describe(errors) == "findings[1].location.lon: Too big.; Bad."
    assert describe({"findings": [{}, {"id": ["Required."]}]}) == "findings[1].id: Required."
