"""Where each person works: the home page's list of workplaces, which every app contributes at start-up.

An app registers providers in its ``AppConfig.ready()``: a provider is ``callable(user) -> list[Workplace]`` with an
order key, and the home page lists what the providers offer a person by that key. The keys put a person's main
place first: the tablet app for people in the field (10), the map for managers (20).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can_edit_places


@dataclass(frozen=True)
class Workplace:
    title: str | Promise
    description: str | Promise
    url: str


Provider = Callable[[object], list[Workplace]]

_providers: list[tuple[int, Provider]] = []


def register(provider: Provider, *, order: int) -> None:
    """Add a provider; registering the same one again (``ready()`` may run twice in tests) changes nothing."""
    if all(registered is not provider for _order, registered in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda entry: entry[0])


def workplaces_for(user) -> list[Workplace]:
    """The places a person works, their main one first."""
    return [place for _order, provider in _providers for place in provider(user)]


def administration(user) -> list[Workplace]:
    if not (can_edit_places(user) and user.is_staff):
        return []
    return [
        Workplace(
            _("Administration"),
            _("Edit jurisdictions, units, service areas, hotspots and people."),
            reverse("admin:index"),
        )
    ]


def api_documentation(user) -> list[Workplace]:
    return [Workplace(_("API documentation"), _("The REST API for tablets and other systems."), reverse("api-docs"))]
