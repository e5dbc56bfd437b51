"""API-wide behaviour: service errors become HTTP answers with a message a person can act on, in one shape.

Every error answer of the API is a JSON object with ``detail``, a message in the request's language, and ``code``,
a stable machine-readable word (``invalid``, ``not_authenticated``, ``permission_denied``, ``not_found``,
``conflict``, ``throttled``, ``busy``, a refused photo's reason …). Bad input (400) adds, under the name of each
parameter or field at fault, its messages (``detail`` then repeats the first). Some answers add fields of their own
(a 409 the task's ``status`` and ``allowed_transitions``, a refused photo its limit). `config.openapi` documents it.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.busy import RETRY_AFTER_SECONDS, busy_message
from geo.backends import database_busy
from inspections.errors import Conflict, MoveForbidden, NotVisible, Unavailable
from inspections.photos import PhotoRejected, RejectionCode

PHOTO_STATUS = {
    RejectionCode.TOO_LARGE: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    RejectionCode.TOO_MANY_PIXELS: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    RejectionCode.UNSUPPORTED_TYPE: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    RejectionCode.CORRUPT: status.HTTP_400_BAD_REQUEST,
}


def exception_handler(exc, context):
    response = _answer(exc, context)
    if response is not None:
        response.data = one_shape(response.data, error_code(exc, response.status_code))
    return response


# The code of an error whose exception does not name one, by HTTP status.
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
    503: "busy",
}


def error_code(exc, status_code: int) -> str:
    if isinstance(exc, PhotoRejected):
        return exc.code.value
    if isinstance(exc, Conflict):
        return "conflict"
    if isinstance(exc, MoveForbidden):
        return "move_forbidden"
    if isinstance(exc, APIException) and not isinstance(exc, ValidationError):
        return str(exc.default_code)
    return STATUS_CODES.get(status_code, "error")


def _first_message(value) -> str:
    if isinstance(value, dict):
        return next((_first_message(inner) for inner in value.values() if inner), "")
    if isinstance(value, list | tuple):
        return next((_first_message(inner) for inner in value if inner), "")
    return str(value)


def one_shape(body, code: str) -> dict:
    """The API's error shape: {"detail": message, "code": word, …the fields at fault with their messages}."""
    if not isinstance(body, dict):
        body = {"detail": body}
    body = dict(body)
    detail = body.get("detail")
    if isinstance(detail, list | tuple | dict):
        body["detail"] = " ".join(str(message) for message in detail) if isinstance(detail, list | tuple) else ""
        body["detail"] = body["detail"] or _first_message(detail)
    elif detail is None:
        field, messages = next(((key, value) for key, value in body.items() if value), ("", ""))
        message = _first_message(messages)
        body = {
            "detail": message if field in ("", "non_field_errors") else f"{field}: {message}",
            **body,
        }
    else:
        body["detail"] = str(detail)
    body.setdefault("code", code)
    return body


def _answer(exc, context):
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message, **exc.extra}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, MoveForbidden):
        return Response({"detail": exc.message, **exc.extra}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, NotVisible):
        return Response({"detail": str(exc) or _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PhotoRejected):
        body = {"detail": exc.message, "code": exc.code.value, **{k: v for k, v in exc.params.items()}}
        return Response(body, status=PHOTO_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST))
    if isinstance(exc, Unavailable):
        return Response({"detail": str(exc), "code": "unavailable"}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    if database_busy(exc):
        return Response(
            {"detail": busy_message()},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return drf_exception_handler(exc, context)


API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"


def page_not_found(request, exception):
    """Django's 404 (`handler404`), in the API's JSON shape for an API address no route matches (a photo id that is
    not a UUID, say), so that the API answers JSON whatever the address (Open311's error list under /open311/)."""
    if request.path.startswith(OPEN311_PREFIX):
        body = [{"code": status.HTTP_404_NOT_FOUND, "description": str(_("Not found."))}]
        return JsonResponse(body, status=status.HTTP_404_NOT_FOUND, safe=False)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
