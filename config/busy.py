"""A database too busy to take a write in time: 503 with Retry-After and a message a person can act on, never 500.

The API answers it through its exception handler (config.api); pages and other views through the middleware here.
"""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from geo.backends import database_busy

RETRY_AFTER_SECONDS = 5


def busy_message() -> str:
    return _("The server is busy saving other changes and could not save yours in time; try again in a few seconds.")


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
            response = JsonResponse({"detail": busy_message(), "code": "busy"}, status=503)
        else:
            context = {"message": busy_message(), "retry_after": RETRY_AFTER_SECONDS}
            response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
