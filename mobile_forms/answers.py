"""Checking a tablet's answers against the checklist version they were given with, and freezing them as a snapshot.

Answers arrive as {"<question name>": value}:

======== ==========================================================
yes_no   true / false (a condition on it uses the values "yes" / "no")
select   one value: "v"; many: ["v1", "v2"]
integer  a whole number; decimal: a number
text     a string; date: "YYYY-MM-DD"
photo    the UUID of a photo (photos travel separately)
geopoint {"lon": …, "lat": …, "accuracy": metres or null}, WGS84
note     no answer
======== ==========================================================

A missing key, null, "" and [] all mean "not answered". A question whose condition is not met must not be answered,
and is never required. The snapshot keeps each answered question's labels and the labels of the chosen options, so an
inspection still reads correctly after its checklist has a new version.
"""

import datetime as dt
import math
import re
import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from inspections.models import answers_deduction
from mobile_forms.models.constraints import constraint_broken
from mobile_forms.models.questions import NO, YES, QuestionType

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_TEXT = 2000
GEOPOINT_KEYS = {"lon", "lat", "accuracy"}


class _Invalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _unanswered(value) -> bool:
    return value is None or value == "" or value == []


def _choice_values(question: dict) -> dict[str, dict]:
    return {choice["value"]: choice for choice in question.get("choices") or []}


def _clean_yes_no(question, value):
    if not isinstance(value, bool):
        raise _Invalid(_("Answer yes or no (true or false)."))
    return value


def _clean_select_one(question, value):
    if not isinstance(value, str):
        raise _Invalid(_("Choose one of the options."))
    choices = _choice_values(question)
    if value not in choices:
        raise _Invalid(
            _("“%(value)s” is not one of the options (%(options)s).") % {"value": value, "options": ", ".join(choices)}
        )
    return value


def _clean_select_many(question, value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Invalid(_("Send the chosen options as a list."))
    choices = _choice_values(question)
    unknown = [item for item in value if item not in choices]
    if unknown:
        raise _Invalid(
            _("“%(value)s” is not one of the options (%(options)s).")
            % {"value": "”, “".join(unknown), "options": ", ".join(choices)}
        )
    if len(set(value)) != len(value):
        raise _Invalid(_("An option is chosen twice."))
    # The checklist's order, whatever order the tablet sent them in.
    return [item for item in choices if item in value]


def _clean_integer(question, value):
    if isinstance(value, float) and _is_number(value) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Invalid(_("Enter a whole number."))
    if abs(value) > 2**53:
        raise _Invalid(_("The number is too large."))
    return value


def _clean_decimal(question, value):
    if not _is_number(value):
        raise _Invalid(_("Enter a number."))
    return float(value)


def _clean_text(question, value):
    if not isinstance(value, str):
        raise _Invalid(_("Enter text."))
    if len(value) > MAX_TEXT:
        raise _Invalid(_("Enter at most %(max)d characters.") % {"max": MAX_TEXT})
    return value


def _clean_date(question, value):
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise _Invalid(_("Enter a date as YYYY-MM-DD."))
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise _Invalid(_("“%(value)s” is not a date of the calendar.") % {"value": value}) from None


def _clean_photo(question, value):
    try:
        return str(uuid.UUID(value))
    except (TypeError, ValueError, AttributeError):
        raise _Invalid(_("Send the photo's id (a UUID); the photo itself travels separately.")) from None


def _clean_geopoint(question, value):
    if not isinstance(value, dict) or not {"lon", "lat"} <= set(value) or set(value) - GEOPOINT_KEYS:
        raise _Invalid(_("Send a location as {“lon”, “lat”, “accuracy”}."))
    lon, lat, accuracy = value["lon"], value["lat"], value.get("accuracy")
    if not (_is_number(lon) and _is_number(lat)):
        raise _Invalid(_("Longitude and latitude must be numbers."))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise _Invalid(
            _("(%(lon)s, %(lat)s) is not a WGS84 longitude/latitude (−180…180, −90…90).") % {"lon": lon, "lat": lat}
        )
    if accuracy is not None and not (_is_number(accuracy) and accuracy >= 0):
        raise _Invalid(_("The accuracy is a distance in metres and cannot be negative."))
    return {"lon": float(lon), "lat": float(lat), "accuracy": None if accuracy is None else float(accuracy)}


CLEANERS = {
    QuestionType.YES_NO: _clean_yes_no,
    QuestionType.SELECT_ONE: _clean_select_one,
    QuestionType.SELECT_MANY: _clean_select_many,
    QuestionType.INTEGER: _clean_integer,
    QuestionType.DECIMAL: _clean_decimal,
    QuestionType.TEXT: _clean_text,
    QuestionType.DATE: _clean_date,
    QuestionType.PHOTO: _clean_photo,
    QuestionType.GEOPOINT: _clean_geopoint,
}


def condition_met(question: dict, cleaned: dict) -> bool:
    """Whether a question applies, given the answers cleaned so far (an unanswered source never meets a condition)."""
    relevant = question.get("relevant")
    if not relevant:
        return True
    value = cleaned.get(relevant["question"])
    if value is None:
        return False
    if isinstance(value, bool):
        return (YES if value else NO) == relevant["value"]
    if isinstance(value, list):
        return relevant["value"] in value
    return value == relevant["value"]


def _labels(question: dict, value) -> tuple[str | None, str | None]:
    """The words of the chosen options, frozen with the answer."""
    kind = question["type"]
    if kind not in (QuestionType.YES_NO, QuestionType.SELECT_ONE, QuestionType.SELECT_MANY):
        return None, None
    choices = _choice_values(question)
    chosen = [YES if value else NO] if kind == QuestionType.YES_NO else value if isinstance(value, list) else [value]
    items = [choices[item] for item in chosen]
    return "、".join(item["label"] for item in items), ", ".join(item["label_en"] or item["label"] for item in items)


def _failed(question: dict, value) -> bool:
    kind = question["type"]
    if kind == QuestionType.YES_NO:
        return value is False
    if kind in (QuestionType.SELECT_ONE, QuestionType.SELECT_MANY):
        chosen = value if isinstance(value, list) else [value]
        choices = _choice_values(question)
        return any(choices[item].get("fails") for item in chosen)
    return False


def _condition_text(question: dict) -> str:
    relevant = question["relevant"]
    return _("it applies only when “%(question)s” is “%(value)s”") % relevant


def snapshot(version, answers: dict) -> list[dict]:
    """Check `answers` against `version` and return them frozen, in the checklist's order.

    Each answered question becomes {"name", "type", "label", "label_en", "value", "deduction", "failed",
    "value_label", "value_label_en"}: deduction is the points lost (the question's deduction when a yes/no is
    answered no or a failing option is chosen, else 0). Raises ValidationError({"answers.<name>": [message]}) with
    every problem at once; nothing is returned half-checked.
    """
    if not version.is_published:
        raise ValidationError({"checklist_version": [_("This checklist version is a draft; it takes no answers.")]})
    questions = version.questions
    if not isinstance(answers, dict):
        raise ValidationError({"answers": [_("Answers are an object: {question name: answer}.")]})
    errors: dict[str, list[str]] = {}
    known = {question["name"] for question in questions}
    for name in answers:
        if name not in known:
            errors[f"answers.{name}"] = [_("This checklist version has no question “%(name)s”.") % {"name": name}]

    cleaned: dict[str, object] = {}
    items = []
    for question in questions:
        name, kind = question["name"], question["type"]
        value = answers.get(name)
        key = f"answers.{name}"
        if kind == QuestionType.NOTE:
            if not _unanswered(value):
                errors[key] = [_("A note takes no answer.")]
            continue
        applies = condition_met(question, cleaned)
        if _unanswered(value):
            if applies and question.get("required"):
                errors[key] = [_("This question is required.")]
            continue
        if not applies:
            errors[key] = [_("This question must not be answered: %(why)s.") % {"why": _condition_text(question)}]
            continue
        try:
            value = CLEANERS[kind](question, value)
        except _Invalid as exc:
            errors[key] = [exc.message]
            continue
        limits = question.get("constraint")
        if constraint_broken(limits, value):
            errors[key] = [limits.get("message") or _("The answer is outside what this question accepts.")]
            continue
        cleaned[name] = value
        failed = _failed(question, value)
        label, label_en = _labels(question, value)
        items.append(
            {
                "name": name,
                "type": kind,
                "label": question["label"],
                "label_en": question.get("label_en") or "",
                "value": value,
                "deduction": float(question.get("deduction") or 0.0) if failed else 0.0,
                "failed": failed,
                "value_label": label,
                "value_label_en": label_en,
            }
        )
    if errors:
        raise ValidationError(errors)
    return items


def total_deduction(snapshot: list[dict] | dict) -> float:
    """The points an inspection loses: the sum of its snapshot's deductions (0 for answers without a version)."""
    deduction = answers_deduction(snapshot)
    return 0.0 if deduction is None else deduction
