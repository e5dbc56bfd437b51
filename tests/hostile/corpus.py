"""The hostile-input corpus: each case is a request someone could send on purpose, the 4xx it must get, and the
proof that it left nothing behind (the row counts of every model of our apps and the files in media storage).

A case names its request with values or with callables of the test's `Scene` (ids only exist once the test world is
built), so the tables of cases read as data. `run` sends one case and checks all three things.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

OUR_APPS = ("accounts", "geo", "inspections", "mobile_forms")
# Measured on every answered sync, refused or not (a device's last sync and clock offset): not something stored.
BOOKKEEPING = {"mobile_forms.DeviceSync"}


def value(item, scene):
    """A case's field: as written, or computed from the scene when it is a callable."""
    return item(scene) if callable(item) else item


def resolve(mapping: dict, scene) -> dict:
    """A mapping of case fields, each as written or computed from the scene."""
    return {key: value(item, scene) for key, item in mapping.items()}


@dataclasses.dataclass(frozen=True)
class Case:
    """One hostile request and what it must get.

    `user` is an attribute of the world's users (None: anonymous). `format` is how the body is sent: "json"
    (encoded by the client), "raw" (bytes or text as given, with `content_type`), "multipart" or "form".
    `message` is a piece of text the answer must carry (besides carrying some readable message at all).
    `kept` are the models (app_label.Model) a refusal may record rows of, e.g. the sync's refused items.
    """

    name: str
    method: str
    path: str | Callable
    status: int
    user: str | None = "inspector"
    body: Any = None
    format: str = "json"
    content_type: str | None = None
    query: dict | Callable | None = None
    headers: dict | Callable | None = None
    message: str | None = None
    kept: tuple[str, ...] = ()
    settings: dict | None = None

    def __str__(self) -> str:
        return self.name


def ids(cases: list[Case]) -> list[str]:
    names = [case.name for case in cases]
    assert len(names) == len(set(names)), "two cases share a name"
    return names


# --- what is stored ---------------------------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and model._meta.label not in BOOKKEEPING
    }


def media_listing() -> dict[str, int]:
    """Every file under MEDIA_ROOT (photos, derivatives, `.part` chunks of resumable uploads) with its size."""
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)): path.stat().st_size for path in root.rglob("*") if path.is_file()}


@dataclasses.dataclass
class Stored:
    rows: dict[str, int]
    files: dict[str, int]
    tasks: dict

    @classmethod
    def now(cls) -> Stored:
        from inspections.models import Task

        return cls(row_counts(), media_listing(), dict(Task.objects.values_list("pk", "status")))


def assert_nothing_stored(before: Stored, after: Stored, kept: tuple[str, ...] = ()) -> None:
    changed = {
        label: (before.rows.get(label), count)
        for label, count in after.rows.items()
        if count != before.rows.get(label) and label not in kept
    }
    assert not changed, f"rows were stored: {changed}"
    assert after.files == before.files, (
        f"media storage changed: added {sorted(set(after.files) - set(before.files))}, "
        f"removed {sorted(set(before.files) - set(after.files))}"
    )
    assert after.tasks == before.tasks, "a task's status changed"


# --- the message ------------------------------------------------------------------------------------------------

WORDS = re.compile(r"[A-Za-z\u4e00-\u9fff]{2,}")


def texts(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):  # a field's name is part of its message: {"lon": ["A valid number is required."]}
        return [text for key, inner in data.items() for text in [str(key), *texts(inner)]]
    if isinstance(data, list):
        return [text for inner in data for text in texts(inner)]
    return []


def human_message(response) -> str:
    """The answer's message: every text of a JSON error body, the form errors of an admin page, or the messages
    shown on a page."""
    context = getattr(response, "context", None)
    if context is not None and "adminform" in context:
        form = context["adminform"].form
        errors = [str(message) for messages in form.errors.values() for message in messages]
        assert errors, "the form was refused without saying why"
        return " ".join(errors)
    if context is not None and "messages" in context and response["Content-Type"].startswith("text/html"):
        shown = [str(message) for message in context["messages"]]  # a page's refusal is a message on it
        assert shown, "the page was refused without saying why"
        return " ".join(shown)
    assert response["Content-Type"].startswith("application/json"), (
        f"not a JSON answer: {response['Content-Type']} {response.content[:200]!r}"
    )
    return " ".join(texts(json.loads(response.content)))


def assert_readable(message: str, expected: str | None) -> None:
    assert len(WORDS.findall(message)) >= 3, f"no message a person can read: {message!r}"
    assert "Traceback" not in message and "Exception" not in message, message
    if expected is not None:
        assert expected.lower() in message.lower(), f"{expected!r} not in {message!r}"


# --- sending ----------------------------------------------------------------------------------------------------


def api_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def send(case: Case, scene, client: Client | None = None):
    user = getattr(scene.world.users, case.user) if case.user else None
    client = client or api_client(user)
    path = value(case.path, scene)
    query = value(case.query, scene)
    if query:
        from urllib.parse import urlencode

        path = f"{path}?{urlencode(query, doseq=True)}"
    headers = {"Accept-Language": "en", **(value(case.headers, scene) or {})}
    body = value(case.body, scene)
    method = getattr(client, case.method.lower())
    if case.method in ("GET", "HEAD"):
        return method(path, headers=headers)
    if case.format == "raw":
        return method(path, body, content_type=case.content_type, headers=headers)
    if isinstance(client, APIClient):
        return method(path, body, format=case.format, headers=headers)
    return method(path, body, headers=headers)  # a page's form, url-encoded or multipart as Django's client posts


def run(case: Case, scene, client: Client | None = None):
    """Send `case`; check its status, its message and that nothing was stored. The response, for more checks."""
    before = Stored.now()
    with override_settings(**(case.settings or {})):
        response = send(case, scene, client)
    assert response.status_code == case.status, (
        f"{case.name}: {response.status_code} instead of {case.status}: {response.content[:500]!r}"
    )
    assert_readable(human_message(response), case.message)
    assert_nothing_stored(before, Stored.now(), case.kept)
    return response
