"""Every error of the Open311 endpoints as GeoReport v2 writes it: a list of {code, description}, `code` the HTTP
status. The API's own mapping (`config.api.exception_handler`) decides the status and the message; this only
reshapes them, one entry per message, each naming its parameter in Open311's words."""

from django.utils.translation import gettext as _

from config.api import exception_handler as api_exception_handler

# The evidence services' names for what Open311 calls otherwise.
PARAMETERS = {
    "location": "lat/long",
    "findings[0].location": "lat/long",
    "findings[0].severity": "attribute[severity]",
    "findings[0].description": "description",
    "findings[0].problem_type": "service_code",
    "problem_type": "service_code",
    "file": "media",
}
WHOLE = {"detail", "non_field_errors", "code", ""}


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [message for inner in value.values() for message in _messages(inner)]
    if isinstance(value, list | tuple):
        return [message for inner in value for message in _messages(inner)]
    return [str(value)]


def errors(status: int, body) -> list[dict]:
    """The specification's list of errors for an answer of the API's shape (`config.api.one_shape`)."""
    if not isinstance(body, dict):
        return [{"code": status, "description": message} for message in _messages(body)]
    fields = {key: value for key, value in body.items() if key not in WHOLE}
    if body.get("code") != "invalid" or not fields:
        return [{"code": status, "description": str(body.get("detail") or _("Error."))}]
    found = []
    for key, value in fields.items():
        name = PARAMETERS.get(key, key)
        found.extend({"code": status, "description": f"{name}: {message}"} for message in _messages(value))
    return found


def exception_handler(exc, context):
    response = api_exception_handler(exc, context)
    if response is None:
        return None
    response.data = errors(response.status_code, response.data)
    return response
