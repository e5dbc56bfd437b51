"""API-wide behaviour: service errors become HTTP answers with a message a person can act on."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.busy import RETRY_AFTER_SECONDS, busy_message
from geo.backends import database_busy
from inspections.errors import Conflict, MoveForbidden, NotVisible
from inspections.photos import PhotoRejected, RejectionCode

PHOTO_STATUS = {
    RejectionCode.TOO_LARGE: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    RejectionCode.TOO_MANY_PIXELS: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    RejectionCode.UNSUPPORTED_TYPE: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    RejectionCode.CORRUPT: status.HTTP_400_BAD_REQUEST,
}


def exception_handler(exc, context):
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
    if database_busy(exc):
        return Response(
            {"detail": busy_message()},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return drf_exception_handler(exc, context)


API_PREFIX = "/api/"


def page_not_found(request, exception):
    """Django's 404 (`handler404`), in the API's JSON shape for an API address no route matches (a photo id that is
    not a UUID, say), so that the API answers JSON whatever the address."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
