"""One survey element of pyxform's JSON → one checklist question, with what is dropped (warned) or refused."""

from django.utils.translation import gettext as _

from mobile_forms.models.questions import NO, YES, QuestionType, question
from mobile_forms.xlsform import types
from mobile_forms.xlsform.expressions import read_constraint
from mobile_forms.xlsform.languages import localized
from mobile_forms.xlsform.workbook import FALSE_WORDS, TRUE_WORDS

# Keys of an element the reader takes (or pyxform adds); anything else is a column it drops with a warning.
TAKEN = {
    "type",
    "name",
    "label",
    "hint",
    "bind",
    "choices",
    "list_name",
    "itemset",
    "deduction",
    "problem_type",
    "severity",
    "parameters",
}
TAKEN_PREFIXES = ("label:", "hint:", "constraint_message:", "required_message:", "$")
DROPPED = {
    "control": "appearance",
    "media": "media",
    "guidance_hint": "guidance_hint",
    "default": "default",
    "trigger": "trigger",
    "instance": "instance",
}
# bind keys the reader takes; others (readonly, calculate, orx:max-pixels …) are dropped with a warning.
BIND_TAKEN = {"required", "relevant", "constraint", "jr:constraintMsg", "jr:requiredMsg", "type"}


class Verdict:
    """What became of one row: the question (or None), the reasons it is refused, the features dropped."""

    def __init__(self):
        self.question: dict | None = None
        self.refused: list[str] = []
        self.dropped: list[str] = []


def flag(value) -> bool | None:
    word = str(value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _message(element: dict, bind_key: str, column: str, default_language) -> tuple[str, str]:
    value = (element.get("bind") or {}).get(bind_key)
    merged = {column: value} if value else {}
    merged.update({key: text for key, text in element.items() if key.startswith(column + ":")})
    zh, en, _left_out = localized(merged, column, default_language)
    return zh, en


def _dropped_columns(element: dict, verdict: Verdict) -> None:
    for key, value in element.items():
        if key in TAKEN or key.startswith(TAKEN_PREFIXES) or value in (None, "", {}, []):
            continue
        if key == "control" and set(value) <= {"bodyless"}:
            continue
        verdict.dropped.append(_("“%(column)s” is ignored") % {"column": DROPPED.get(key, key)})
    parameters = element.get("parameters") or {}
    if parameters:
        verdict.dropped.append(_("“%(column)s” is ignored") % {"column": "parameters"})
    for key, value in (element.get("bind") or {}).items():
        if key not in BIND_TAKEN and value not in (None, ""):
            verdict.dropped.append(_("“%(column)s” is ignored") % {"column": key})


def _choices(element: dict, default_language, fails_problems: list[str]) -> list[dict]:
    result = []
    for item in element.get("choices") or []:
        label, label_en, _left_out = localized(item, "label", default_language)
        if item.get("name") == "other" and label in ("Other", "") and label_en in ("Other", ""):
            label, label_en = "其他", "Other"  # pyxform's or_other option, in English only
        fails = flag(item.get("fails"))
        if fails is None:
            fails_problems.append(
                _("fails “%(value)s” of the choice “%(name)s” is not yes or no")
                % {"value": item.get("fails"), "name": item.get("name")}
            )
        result.append({"value": str(item.get("name", "")), "label": label, "label_en": label_en, "fails": bool(fails)})
    return result


def _select_type(kind: str, choices: list[dict], verdict: Verdict) -> tuple[str, list[dict]]:
    values = [item["value"] for item in choices]
    if kind == QuestionType.SELECT_ONE and sorted(values) == [NO, YES]:
        ordered = sorted(choices, key=lambda item: item["value"] != YES)
        if ordered[0]["fails"]:
            verdict.refused.append(
                _("in a yes/no list only “no” can fail: phrase the question so that “yes” is compliant")
            )
        for item in ordered:
            item["fails"] = item["value"] == NO
        return QuestionType.YES_NO, ordered
    return kind, choices


def read_element(element: dict, default_language, left_out: set[str]) -> Verdict:
    """The question of a survey element that is not a group, repeat, metadata or calculation."""
    verdict = Verdict()
    raw_type = str(element.get("type", ""))
    kind = types.our_type(raw_type)
    if element.get("choice_filter"):
        verdict.refused.append(_("filtered choice lists (“choice_filter”) are not supported"))
    if "external" in raw_type or (element.get("itemset") and not element.get("choices")):
        verdict.refused.append(_("choices from an external file or sheet are not supported"))
    elif kind is None:
        verdict.refused.append(_("the question type “%(type)s” is not supported") % {"type": raw_type})
    if verdict.refused:
        return verdict
    _dropped_columns({key: value for key, value in element.items() if key != "choice_filter"}, verdict)
    label, label_en, others = localized(element, "label", default_language)
    hint, hint_en, hint_others = localized(element, "hint", default_language)
    left_out.update(others + hint_others)
    if not label:
        verdict.refused.append(_("no label"))
    choices: list[dict] = []
    if kind in types.SELECTS.values():
        choices = _choices(element, default_language, verdict.refused)
        kind, choices = _select_type(kind, choices, verdict)
    bind = element.get("bind") or {}
    required = flag(bind.get("required"))
    if required is None:
        verdict.refused.append(
            _("a condition on “required” (“%(value)s”) is not supported (only yes or no)")
            % {"value": bind.get("required")}
        )
    elif required and kind == QuestionType.NOTE:
        required = False
        verdict.dropped.append(_("“required” on a note is ignored"))
    required_message, required_message_en = _message(element, "jr:requiredMsg", "required_message", default_language)
    if (required_message or required_message_en) and not required:
        verdict.dropped.append(_("“required_message” without “required” is ignored"))
        required_message = required_message_en = ""
    expression = bind.get("constraint") or types.built_in_constraint(raw_type)
    constraint = read_constraint(expression, kind) if expression else None
    if expression and constraint is None:
        verdict.dropped.append(
            _("the constraint “%(expression)s” cannot be held by a %(type)s question and is ignored")
            % {"expression": expression, "type": QuestionType(kind).label}
        )
    if constraint is not None:
        constraint["message"], constraint["message_en"] = _message(
            element, "jr:constraintMsg", "constraint_message", default_language
        )
    deduction = element.get("deduction")
    if deduction not in (None, ""):
        try:
            deduction = float(deduction)
        except (TypeError, ValueError):
            verdict.refused.append(_("the deduction “%(value)s” is not a number") % {"value": deduction})
    verdict.question = question(
        str(element.get("name", "")),
        kind,
        label,
        label_en=label_en,
        hint=hint,
        hint_en=hint_en,
        required=bool(required),
        choices=choices,
        deduction=deduction if isinstance(deduction, float) else None,
        constraint=constraint,
        required_message=required_message,
        required_message_en=required_message_en,
    )
    # Our own columns: the finding a failed item opens (checked with the version, against the problem types).
    for key in ("problem_type", "severity"):
        value = str(element.get(key) or "").strip()
        if value:
            verdict.question[key] = value
    return verdict
