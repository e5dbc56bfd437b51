"""Typed errors of the inspection services; the API maps each to one HTTP status."""

from django.core.exceptions import PermissionDenied


class Conflict(Exception):
    """The request clashes with what is stored (HTTP 409). ``extra`` goes into the answer beside the message."""

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.message = message
        self.extra = extra


class NotVisible(PermissionDenied):
    """The object exists but not for this person (HTTP 404: we do not confirm that it exists)."""


class MoveForbidden(PermissionDenied):
    """This person may not make this move of a task they can see (HTTP 403, with the moves they may make)."""

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.message = message
        self.extra = extra


class Unavailable(Exception):
    """The request cannot be taken now, through nobody's fault in it (HTTP 503): no campaign phase is running."""
