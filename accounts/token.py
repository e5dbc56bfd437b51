"""POST /api/auth/token/: a tablet's sign-in, under the same login throttling as the login page."""

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.lockout import lockout_message, with_retry_after


class TokenObtainView(ObtainAuthToken):
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    @extend_schema(
        operation_id="auth_token_create",
        summary="Sign in and get the API token",
        responses={
            200: inline_serializer("AuthToken", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password, or one of them missing."),
            429: OpenApiResponse(
                response=inline_serializer("LockedOut", {"detail": serializers.CharField()}),
                description=(
                    "Too many failed sign-ins with this username from this address (`AXES_FAILURE_LIMIT`): refused, "
                    "even with the right password, for `AXES_COOLOFF_MINUTES` (`Retry-After` gives the seconds) or, "
                    "when that is 0, until an administrator unlocks it."
                ),
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # Axes' handler flags the request authenticate() was given, which is this one.
            if getattr(request, "axes_locked_out", False):
                locked = Response(
                    {"detail": lockout_message(), "code": "locked_out"}, status=status.HTTP_429_TOO_MANY_REQUESTS
                )
                return with_retry_after(locked)
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # A sign-in like the login page's: clears the failed attempts (AXES_RESET_ON_SUCCESS), records the access.
        user_logged_in.send(sender=type(user), request=request, user=user)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
