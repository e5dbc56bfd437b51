"""Refusal reasons a person can act on, from a service's exception or a serializer's errors."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from inspections.errors import Conflict, MoveForbidden


def describe(error) -> str:
    """A refusal reason a person can act on, from a service's exception or a serializer's errors."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return _join(error.message_dict)
        return " ".join(error.messages)
    if isinstance(error, Conflict | MoveForbidden):
        return error.message
    if isinstance(error, dict | list):
        return _join(error)
    return str(error)


def _join(errors, prefix: str = "") -> str:
    parts = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = "" if key in (NON_FIELD_ERRORS, "non_field_errors") else str(key)
            if prefix and name:
                name = f"{prefix}[{name}]" if name.isdigit() else f"{prefix}.{name}"
            parts.append(_join(value, name or prefix))
    elif isinstance(errors, list) and any(isinstance(value, dict | list) for value in errors):
        parts.extend(_join(value, f"{prefix}[{i}]") for i, value in enumerate(errors) if value)
    else:
        messages = " ".join(str(value) for value in (errors if isinstance(errors, list) else [errors]))
        parts.append(f"{prefix}: {messages}" if prefix else messages)
    return "; ".join(part for part in parts if part)
