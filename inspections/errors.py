"""Typed errors of the inspection services; the API maps each to one HTTP status."""

from django.core.exceptions import PermissionDenied


class Conflict(Exception):
    """The request clashes with what is stored (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotVisible(PermissionDenied):
    """The object exists but not for this person (HTTP 404: we do not confirm that it exists)."""
