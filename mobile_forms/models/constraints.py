"""A question's constraint: the bounds of a number or the pattern of a text, with the message shown when it fails.

Stored in a question as ``"constraint": None | {"min": n | None, "max": n | None, "pattern": "regex" | None,
"message": "…", "message_en": "…"}``: ``min`` / ``max`` (inclusive) for whole and decimal numbers, ``pattern`` (a
regular expression the text must contain a match of, as XPath's ``regex()``) for text. The tablet and the server
check answers against it the same way.
"""

import math
import re

from django.utils.translation import gettext as _

CONSTRAINT_KEYS = ("min", "max", "pattern", "message", "message_en")
# The question types (values of QuestionType, which imports this module).
NUMBERS = frozenset({"integer", "decimal"})
TEXT = "text"
MAX_MESSAGE = 500


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def constraint(*, minimum=None, maximum=None, pattern=None, message: str = "", message_en: str = "") -> dict:
    return {"min": minimum, "max": maximum, "pattern": pattern, "message": message, "message_en": message_en}


def constraint_problems(kind: str, value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, dict) or set(value) - set(CONSTRAINT_KEYS):
        return [_("A constraint has only the keys %(keys)s.") % {"keys": ", ".join(CONSTRAINT_KEYS)}]
    problems = []
    low, high, pattern = value.get("min"), value.get("max"), value.get("pattern")
    if low is not None or high is not None:
        if kind not in NUMBERS:
            problems.append(_("Only number questions have a minimum or maximum."))
        elif not all(item is None or _number(item) for item in (low, high)):
            problems.append(_("The minimum and maximum must be numbers."))
        elif low is not None and high is not None and low > high:
            problems.append(_("The minimum is larger than the maximum."))
    if pattern is not None:
        if kind != TEXT:
            problems.append(_("Only text questions have a pattern."))
        elif not isinstance(pattern, str) or not pattern or len(pattern) > MAX_MESSAGE:
            problems.append(_("The pattern must be a regular expression."))
        else:
            try:
                re.compile(pattern)
            except re.error:
                problems.append(_("The pattern “%(pattern)s” is not a regular expression.") % {"pattern": pattern})
    if low is None and high is None and pattern is None:
        problems.append(_("A constraint needs a minimum, a maximum or a pattern."))
    for key in ("message", "message_en"):
        text = value.get(key, "")
        if not isinstance(text, str) or len(text) > MAX_MESSAGE:
            problems.append(
                _("“%(key)s” must be text of at most %(max)d characters.") % {"key": key, "max": MAX_MESSAGE}
            )
    return problems


def constraint_broken(value, answer) -> bool:
    """Whether a cleaned answer breaks the question's constraint (an unanswered question breaks none)."""
    if not value or answer is None:
        return False
    if _number(answer):
        return (value.get("min") is not None and answer < value["min"]) or (
            value.get("max") is not None and answer > value["max"]
        )
    if isinstance(answer, str) and value.get("pattern"):
        return re.search(value["pattern"], answer) is None
    return False
