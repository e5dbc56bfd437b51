"""The few XLSForm expressions a checklist can hold: simple conditions, number bounds and text patterns."""

import math
import re

from mobile_forms.models.constraints import constraint

_REF = r"(?:\$\{(?P<name>[^}]+)\}|\.\./(?P<path>[A-Za-z_][\w.-]*))"
_VALUE = r"""(?P<q>['"])(?P<value>[^'"]*)(?P=q)"""
EQUALS = re.compile(rf"^\s*{_REF}\s*=\s*{_VALUE}\s*$")
SELECTED = re.compile(rf"^\s*selected\(\s*{_REF}\s*,\s*{_VALUE}\s*\)\s*$")
REFERENCE = re.compile(r"\$\{([^}]+)\}")

_NUMBER = r"-?\d+(?:\.\d+)?"
_SELF = r"(?:\.|\$\{self\})"
_BOUND_AFTER = re.compile(rf"^{_SELF}\s*(?P<op><=|>=|<|>)\s*(?P<n>{_NUMBER})$")
_BOUND_BEFORE = re.compile(rf"^(?P<n>{_NUMBER})\s*(?P<op><=|>=|<|>)\s*{_SELF}$")
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
_REGEX = re.compile(r"""^regex\(\s*\.\s*,\s*(?P<q>['"])(?P<pattern>.*)(?P=q)\s*\)$""")
_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*(?P<op><=|<)\s*(?P<n>\d+)$")


def read_condition(expression: str) -> tuple[str, str, bool] | None:
    """(question name, value, written with selected()) of ``${q} = 'v'`` / ``selected(${q}, 'v')``; else None."""
    for pattern, selected in ((EQUALS, False), (SELECTED, True)):
        match = pattern.match(expression or "")
        if match:
            return (match.group("name") or match.group("path")).strip(), match.group("value"), selected
    return None


def references(expression: str) -> set[str]:
    return {name.strip() for name in REFERENCE.findall(expression or "")}


def _bounds(expression: str, integer: bool) -> dict | None:
    low = high = None
    for term in re.split(r"\s+and\s+", expression.strip()):
        term = term.strip()
        if term.startswith("(") and term.endswith(")"):
            term = term[1:-1].strip()
        match = _BOUND_AFTER.match(term)
        op = match and match.group("op")
        if not match:
            match = _BOUND_BEFORE.match(term)
            op = match and _FLIP[match.group("op")]
        if not match:
            return None
        number = float(match.group("n"))
        strict = op in ("<", ">")
        if strict and not integer:
            return None  # a strict bound on a decimal has no inclusive equivalent
        if integer:
            lower = op.startswith(">")
            if strict:
                number = math.floor(number) + 1 if lower else math.ceil(number) - 1
            else:
                number = math.ceil(number) if lower else math.floor(number)
        value = int(number) if integer else number
        if op.startswith(">"):
            low = value if low is None else max(low, value)
        else:
            high = value if high is None else min(high, value)
    return constraint(minimum=low, maximum=high)


def read_constraint(expression: str, kind: str) -> dict | None:
    """The constraint a question of `kind` can hold for an XLSForm expression, or None when it cannot."""
    expression = (expression or "").strip()
    if kind in ("integer", "decimal"):
        return _bounds(expression, kind == "integer")
    if kind == "text":
        match = _REGEX.match(expression)
        if match:
            pattern = match.group("pattern")
            try:
                re.compile(pattern)
            except re.error:
                return None
            return constraint(pattern=pattern)
        match = _LENGTH.match(expression)
        if match:
            longest = int(match.group("n")) - (1 if match.group("op") == "<" else 0)
            return constraint(pattern=rf"^[\s\S]{{0,{longest}}}$")
    return None
