"""Asking for a briefing: the record is stored, then built in the background once the request's transaction
commits (``inspections.build_briefing``)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import get_language

from accounts.roles import is_admin
from geo.selectors import scope_root
from inspections.models import Briefing, Phase
from inspections.permissions import can_request_briefing
from inspections.reporting.briefings.background import build_briefing
from inspections.reporting.metrics import Period


def briefing_request(*, user, phase: Phase, period: Period, language: str | None = None) -> Briefing:
    """A briefing of the person's area (an administrator without one: the district) for the phase and period."""
    if not can_request_briefing(user):
        raise PermissionDenied
    scope = scope_root(user)
    if scope is None and not is_admin(user):
        raise PermissionDenied
    briefing = Briefing(
        requested_by=user,
        scope=scope,
        phase=phase,
        period_start=period.start,
        period_end=period.end,
        language=supported_language(language or get_language()),
    )
    briefing.full_clean()
    briefing.save()
    transaction.on_commit(lambda: build_briefing.delay(briefing.pk))
    return briefing


def supported_language(code: str | None) -> str:
    """One of settings.LANGUAGES for a language code such as "en-us" (the default language otherwise)."""
    code = (code or "").lower()
    for known, _name in settings.LANGUAGES:
        if code == known or code.split("-")[0] == known.split("-")[0]:
            return known
    return settings.LANGUAGE_CODE
