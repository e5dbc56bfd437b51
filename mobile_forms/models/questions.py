"""The question list of a checklist version: its JSON shape and the rules every version obeys.

A version stores its questions as a list of plain dicts, exactly as the API serves them::

    {"name": "q1", "type": "yes_no", "label": "…", "label_en": "…", "hint": "", "hint_en": "",
     "required": True, "relevant": None | {"question": "q0", "value": "no"},
     "choices": [{"value": "yes", "label": "是", "label_en": "Yes", "fails": False}, …],
     "deduction": 2.0 | None,
     "problem_type": "street_vending", "severity": "major",
     "constraint": None | {"min": 0, "max": 10, "pattern": None, "message": "…", "message_en": "…"},
     "required_message": "", "required_message_en": ""}

A scored question may name the problem type (a ProblemType code) and the severity of the finding its failure opens:
on the tablet, failing it opens that finding pre-filled, and the item's photo is the finding's evidence (both keys
optional). `constraint` is described in mobile_forms.models.constraints; older versions may lack the last five keys.

The XLSForm importer, the admin and the demo loader all go through `question_problems()`, so the rules live here once.
"""

import math
import re

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import Severity
from mobile_forms.models.constraints import constraint_problems


class QuestionType(models.TextChoices):
    YES_NO = "yes_no", gettext_lazy("Yes / no")
    SELECT_ONE = "select_one", gettext_lazy("Select one")
    SELECT_MANY = "select_many", gettext_lazy("Select many")
    INTEGER = "integer", gettext_lazy("Whole number")
    DECIMAL = "decimal", gettext_lazy("Decimal number")
    TEXT = "text", gettext_lazy("Text")
    DATE = "date", gettext_lazy("Date")
    PHOTO = "photo", gettext_lazy("Photo")
    GEOPOINT = "geopoint", gettext_lazy("Location")
    NOTE = "note", gettext_lazy("Note")


WITH_CHOICES = frozenset({QuestionType.YES_NO, QuestionType.SELECT_ONE, QuestionType.SELECT_MANY})
# Questions whose answer can fail an item of the evaluation standard and so cost points.
SCORED = WITH_CHOICES
# Questions a condition may depend on.
CONDITION_SOURCES = WITH_CHOICES

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
CHOICE_VALUE_RE = re.compile(r"^[^\s]{1,64}$")
MAX_QUESTIONS = 500
MAX_LABEL = 500
MAX_DEDUCTION = 100.0

YES, NO = "yes", "no"
# The two answers of a yes/no question; "no" is the failing one, so a question is phrased so that yes is compliant.
DEFAULT_YES_NO_CHOICES = [
    {"value": YES, "label": "是", "label_en": "Yes", "fails": False},
    {"value": NO, "label": "否", "label_en": "No", "fails": True},
]

QUESTION_KEYS = (
    "name",
    "type",
    "label",
    "label_en",
    "hint",
    "hint_en",
    "required",
    "relevant",
    "choices",
    "deduction",
    "problem_type",
    "severity",
    "constraint",
    "required_message",
    "required_message_en",
)
# The finding a failed item opens: a problem type code and a severity (both optional keys of a question).
PROBLEM_TYPE_RE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
SEVERITIES = tuple(Severity.values)
CHOICE_KEYS = ("value", "label", "label_en", "fails")


def question(name: str, type: str, label: str, **fields) -> dict:
    """A question dict with every key present (a convenience for code that builds checklists)."""
    item = {
        "name": name,
        "type": str(type),
        "label": label,
        "label_en": "",
        "hint": "",
        "hint_en": "",
        "required": False,
        "relevant": None,
        "choices": [],
        "deduction": None,
        "constraint": None,
        "required_message": "",
        "required_message_en": "",
    }
    item.update(fields)
    if item["type"] == QuestionType.YES_NO and not item["choices"]:
        item["choices"] = [dict(choice) for choice in DEFAULT_YES_NO_CHOICES]
    if item["deduction"] is not None:
        item["deduction"] = float(item["deduction"])
    return item


def choice(value: str, label: str, label_en: str = "", fails: bool = False) -> dict:
    return {"value": value, "label": label, "label_en": label_en, "fails": fails}


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text_problems(item: dict, keys: tuple[str, ...], *, required: str) -> list[str]:
    problems = []
    for key in keys:
        value = item.get(key, "")
        if not isinstance(value, str):
            problems.append(_("“%(key)s” must be text.") % {"key": key})
        elif len(value) > MAX_LABEL:
            problems.append(_("“%(key)s” is longer than %(max)d characters.") % {"key": key, "max": MAX_LABEL})
    if isinstance(item.get(required, ""), str) and not item.get(required, "").strip():
        problems.append(_("“%(key)s” is missing.") % {"key": required})
    return problems


def _choice_problems(kind: str, choices) -> list[str]:
    if kind not in WITH_CHOICES:
        return [] if choices in ([], None) else [_("Only yes/no and select questions have choices.")]
    if not isinstance(choices, list) or not choices:
        return [_("A select question needs at least one choice.")]
    problems, seen = [], set()
    for position, item in enumerate(choices, start=1):
        if not isinstance(item, dict) or set(item) - set(CHOICE_KEYS):
            problems.append(_("Choice %(n)d must have only the keys %(keys)s.") % {"n": position, "keys": CHOICE_KEYS})
            continue
        value = item.get("value")
        if not isinstance(value, str) or not CHOICE_VALUE_RE.match(value):
            problems.append(_("Choice %(n)d needs a value without spaces.") % {"n": position})
        elif value in seen:
            problems.append(_("The choice value “%(value)s” appears twice.") % {"value": value})
        seen.add(value)
        prefix = _("Choice %(n)d") % {"n": position}
        problems += [f"{prefix}: {p}" for p in _text_problems(item, ("label", "label_en"), required="label")]
        if not isinstance(item.get("fails", False), bool):
            problems.append(_("Choice %(n)d: “fails” must be true or false.") % {"n": position})
    if kind == QuestionType.YES_NO and not problems:
        by_value = {item["value"]: item for item in choices}
        if set(by_value) != {YES, NO}:
            problems.append(_("A yes/no question has exactly the choices “yes” and “no”."))
        elif by_value[YES].get("fails") or not by_value[NO].get("fails", True):
            problems.append(_("In a yes/no question only “no” fails: phrase the question so that “yes” is compliant."))
    return problems


def _deduction_problems(kind: str, deduction, choices) -> list[str]:
    if deduction is None:
        return []
    if not _is_number(deduction) or not 0 <= deduction <= MAX_DEDUCTION:
        return [_("The deduction must be a number of points from 0 to %(max)g.") % {"max": MAX_DEDUCTION}]
    if kind not in SCORED:
        return [_("Only yes/no and select questions carry a deduction.")]
    if (
        kind != QuestionType.YES_NO
        and isinstance(choices, list)
        and not any(isinstance(item, dict) and item.get("fails") for item in choices)
    ):
        return [_("A deduction needs at least one choice marked as failing.")]
    return []


def _finding_problems(kind: str, problem_type, severity) -> list[str]:
    """The finding a failed item opens: only a scored question fails, and a severity goes with a problem type."""
    problem_type = "" if problem_type is None else problem_type
    severity = "" if severity is None else severity
    if not problem_type and not severity:
        return []
    if kind not in SCORED:
        return [_("Only yes/no and select questions open a finding when they fail.")]
    problems = []
    if not isinstance(problem_type, str) or (problem_type and not PROBLEM_TYPE_RE.match(problem_type)):
        problems.append(_("The problem type is the code of a problem type (letters, digits, - and _)."))
    elif not problem_type:
        problems.append(_("A severity needs the problem type of the finding."))
    if severity not in ("", *SEVERITIES):
        problems.append(_("The severity is one of %(values)s.") % {"values": ", ".join(SEVERITIES)})
    return problems


def problem_type_codes(questions) -> set[str]:
    """The problem type codes a question list names (for checking that they exist)."""
    if not isinstance(questions, list):
        return set()
    return {
        item["problem_type"]
        for item in questions
        if isinstance(item, dict) and isinstance(item.get("problem_type"), str) and item["problem_type"]
    }


def _relevant_problems(relevant, earlier: dict[str, dict]) -> list[str]:
    if relevant is None:
        return []
    if not isinstance(relevant, dict) or set(relevant) != {"question", "value"}:
        return [_("A condition is {“question”: name, “value”: value}.")]
    source = earlier.get(relevant["question"])
    if source is None:
        return [
            _("The condition refers to “%(name)s”, which is not a question before this one.")
            % {"name": relevant["question"]}
        ]
    if source.get("type") not in CONDITION_SOURCES:
        return [
            _("The condition refers to “%(name)s”, but only yes/no and select questions can be conditions.")
            % {"name": relevant["question"]}
        ]
    values = [item.get("value") for item in source.get("choices") or [] if isinstance(item, dict)]
    if relevant["value"] not in values:
        return [
            _("The condition value “%(value)s” is not a choice of “%(name)s” (%(choices)s).")
            % {"value": relevant["value"], "name": relevant["question"], "choices": ", ".join(map(str, values))}
        ]
    return []


def question_problems(questions) -> list[tuple[int | None, str]]:
    """Every rule a version's question list breaks, as (question index or None for the whole list, message)."""
    if not isinstance(questions, list):
        return [(None, _("The questions must be a list."))]
    if not any(isinstance(item, dict) and item.get("type") != QuestionType.NOTE for item in questions):
        return [(None, _("A checklist needs at least one question that takes an answer."))]
    if len(questions) > MAX_QUESTIONS:
        return [(None, _("A checklist has at most %(max)d questions.") % {"max": MAX_QUESTIONS})]
    problems: list[tuple[int | None, str]] = []
    earlier: dict[str, dict] = {}
    for index, item in enumerate(questions):
        if not isinstance(item, dict):
            problems.append((index, _("A question must be an object.")))
            continue
        own = []
        unknown = sorted(set(item) - set(QUESTION_KEYS))
        if unknown:
            own.append(_("Unknown keys: %(keys)s.") % {"keys": ", ".join(unknown)})
        name, kind = item.get("name"), item.get("type")
        if not isinstance(name, str) or not NAME_RE.match(name):
            own.append(_("The name must start with a letter or _ and use only letters, digits, _ . - (at most 64)."))
        elif name in earlier:
            own.append(_("The name “%(name)s” is used twice.") % {"name": name})
        if kind not in QuestionType.values:
            own.append(_("Unknown question type “%(type)s”.") % {"type": kind})
        own += _text_problems(
            item, ("label", "label_en", "hint", "hint_en", "required_message", "required_message_en"), required="label"
        )
        required = item.get("required", False)
        if not isinstance(required, bool):
            own.append(_("“required” must be true or false."))
        elif required and kind == QuestionType.NOTE:
            own.append(_("A note takes no answer and cannot be required."))
        own += _choice_problems(kind, item.get("choices", []))
        own += _deduction_problems(kind, item.get("deduction"), item.get("choices"))
        own += _relevant_problems(item.get("relevant"), earlier)
        own += _finding_problems(kind, item.get("problem_type"), item.get("severity"))
        own += constraint_problems(kind, item.get("constraint"))
        problems += [(index, message) for message in own]
        if isinstance(name, str) and name not in earlier:
            earlier[name] = item
    return problems


def normalized(questions: list[dict]) -> list[dict]:
    """Fill the keys a hand-written question may leave out (labels, hints, required, condition, deduction)."""
    result = []
    for item in questions:
        if not isinstance(item, dict):
            result.append(item)
            continue
        filled = question(item.get("name"), item.get("type"), item.get("label", ""))
        filled.update(item)
        if filled["type"] == QuestionType.YES_NO and not filled.get("choices"):
            filled["choices"] = [dict(entry) for entry in DEFAULT_YES_NO_CHOICES]
        if isinstance(filled.get("choices"), list):
            filled["choices"] = [
                {"label_en": "", "fails": False, **entry} if isinstance(entry, dict) else entry
                for entry in filled["choices"]
            ]
        if _is_number(filled.get("deduction")):
            filled["deduction"] = float(filled["deduction"])
        result.append(filled)
    return result
