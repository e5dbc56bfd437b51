"""pyxform's question types (every spelling it accepts: ``select one from``, ``phone number``, ``q int`` …) → ours."""

from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

from mobile_forms.models.questions import QuestionType

NOTES = {"note", "q note", "add note prompt"}
SELECTS = {"select one": QuestionType.SELECT_ONE, "select all that apply": QuestionType.SELECT_MANY}
# Rows that only carry a value (dropped with a warning unless a condition needs them).
CALCULATIONS = {"calculate", "q calculate", "add calculate prompt", "hidden"}
# Metadata the inspection records by itself (who, when, where): skipped silently.
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "imei",
    "username",
    "email",
    "phonenumber",
    "simserial",
    "subscriberid",
    "audit",
    "start-geopoint",
    "background-geopoint",
}
_BY_BIND = {"int": QuestionType.INTEGER, "decimal": QuestionType.DECIMAL, "date": QuestionType.DATE}


def definition(kind: str) -> dict:
    return QUESTION_TYPE_DICT.get(kind) or {}


def our_type(kind: str) -> str | None:
    """Our question type for a pyxform type (a select's type is decided by its list), None when we have none."""
    if kind in NOTES:
        return QuestionType.NOTE
    if kind in SELECTS:
        return SELECTS[kind]
    spec = definition(kind)
    bind, control = spec.get("bind", {}), spec.get("control", {})
    tag = control.get("tag")
    if tag == "input" and bind.get("type") in _BY_BIND:
        return _BY_BIND[bind["type"]]
    if tag == "input" and bind.get("type") == "string" and "readonly" not in bind and "calculate" not in kind:
        return QuestionType.TEXT
    if tag == "input" and bind.get("type") == "geopoint":
        return QuestionType.GEOPOINT
    if tag == "upload" and control.get("mediatype") == "image/*":
        return QuestionType.PHOTO
    return None


def is_metadata(kind: str) -> bool:
    spec = definition(kind)
    return kind in METADATA or kind.startswith("uri:") or (spec and "control" not in spec and kind not in CALCULATIONS)


def is_known(kind: str) -> bool:
    return kind in QUESTION_TYPE_DICT or kind in SELECTS or kind in METADATA


def built_in_constraint(kind: str) -> str:
    """The constraint pyxform adds to a type such as ``phone number`` or ``percentage``."""
    return definition(kind).get("bind", {}).get("constraint", "")
