"""What a client locked out by the login throttling (django-axes) is told, and which address it is counted under.

Axes counts failed sign-ins per username and client address (see the AXES_* settings) and flags the request of a
locked-out attempt; its middleware then calls `lockout_response` (``AXES_LOCKOUT_CALLABLE``) for the login page and
the admin's login. The API's token endpoint answers for itself (`accounts.token`), with the same message.
"""

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def cooloff_seconds() -> int | None:
    """How long a lockout lasts, or None when it lasts until an administrator lifts it."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    return math.ceil(cooloff.total_seconds()) if cooloff else None


def lockout_message() -> str:
    seconds = cooloff_seconds()
    if seconds is None:
        return _(
            "Too many failed sign-ins with this username from this address: signing in is locked until an "
            "administrator unlocks it."
        )
    return _(
        "Too many failed sign-ins with this username from this address: try again in %(minutes)d minutes, or ask "
        "an administrator to unlock it sooner."
    ) % {"minutes": math.ceil(seconds / 60)}


def with_retry_after(response: HttpResponse) -> HttpResponse:
    seconds = cooloff_seconds()
    if seconds is not None:
        response["Retry-After"] = str(seconds)
    return response


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The answer to a locked-out sign-in: JSON under /api/, otherwise a page (HTTP 429 either way)."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return with_retry_after(JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=status))
    page = render(request, "registration/locked_out.html", {"message": lockout_message()}, status=status)
    return with_retry_after(page)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies that each append the address they saw
    to X-Forwarded-For, the entry the outermost one appended (entries left of it are the client's own claim)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # The innermost proxy is REMOTE_ADDR; each of the others appended one entry.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote
