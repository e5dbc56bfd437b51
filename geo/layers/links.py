"""Pages and endpoints above geo that the map links to (a task's page, a photo's thumbnail, the campaigns and the
problem types its filters offer), registered at start-up by the apps that own them: geo reverses no URL of theirs.

A link is a URL, or a template with ``{id}`` where the feature's value goes."""

from collections.abc import Callable

_links: dict[str, Callable[[], str]] = {}


def register_link(name: str, url: Callable[[], str]) -> None:
    _links[name] = url


def map_links() -> dict[str, str]:
    return {name: url() for name, url in _links.items()}
