"""The permission matrix: every rule of `rules.py` and `admin_rules.py` requested as every person of `people.py`.

Those a rule allows get 2xx or 3xx (and see the object it lists); everybody else is refused (401/403/404 or a login
redirect), or, where the rule says so, answered with nothing of community A's; never a 500; and a refused write
leaves the scene's records as they were."""

import json
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from tests.permissions.admin_rules import admin_rules
from tests.permissions.people import PERSONAS
from tests.permissions.rules import RULES

LOGIN_PAGES = {"/accounts/login/", "/admin/login/"}
ADMIN_NOT_FOUND = "/admin/"  # where the admin sends someone asking for an object it does not show them
# A device's last sync and clock offset are measured on every answered sync, refused or not: that is their purpose.
UNTRACKED = {
    "sessions.session",
    "admin.logentry",
    "auth.permission",
    "contenttypes.contenttype",
    "mobile_forms.devicesync",
}
UNTRACKED_APPS = {"axes"}
LOGS = {"mobile_forms.syncrefusal", "mobile_forms.syncconflict"}  # a refused write may add to them, never change them
IGNORED_FIELDS = {"last_login"}

CASES = [
    pytest.param(rule, persona, id=f"{rule.name} × {persona.name}")
    for rule in RULES + admin_rules()
    for persona in PERSONAS
]


def snapshot() -> dict:
    rows = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in UNTRACKED or model._meta.app_label in UNTRACKED_APPS or model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED_FIELDS]
        rows[label] = {values[0]: values for values in model._default_manager.values_list("pk", *names)}
    return rows


def changes(before: dict, after: dict) -> list[str]:
    changed = []
    for label, rows in before.items():
        kept = {pk: after[label].get(pk) for pk in rows} if label in LOGS else after[label]
        if kept != rows:
            changed.append(label)
    return changed


def shown(response, marker: str) -> bool:
    if "json" in response.get("Content-Type", ""):
        body = json.loads(response.content or b"null")
        if isinstance(body, dict):
            body = body.get("features") or body.get("results") or body.get("rows") or []
        return marker in {str(item.get("id")) for item in body if isinstance(item, dict)}
    return marker in response.content.decode(errors="replace")


def refused(response, rule) -> bool:
    """A refusal, or the admin's redirect for an object it does not show (which also follows a deletion from an
    admin without a changelist to return to: a write's refusal is told by the records)."""
    if response.status_code in rule.refusals:
        return True
    if response.status_code in (301, 302, 303):
        target = urlsplit(response["Location"]).path
        return target in LOGIN_PAGES or (target == ADMIN_NOT_FOUND and "{object_id}" in rule.route)
    return False


def seen(response) -> str:
    return f"{response.status_code} {response.get('Location', '')} {response.content[:300]!r}"


def send(client, rule, scene):
    url = rule.url(scene) if rule.url else rule.route
    body = rule.body(scene) if rule.body else {}
    method = getattr(client, rule.method.lower())
    if rule.form == "json" and rule.writes:
        return method(url, json.dumps(body), content_type="application/json")
    if rule.form == "multipart" and rule.method == "PUT":
        return method(url, encode_multipart(BOUNDARY, body), content_type=MULTIPART_CONTENT)
    response = method(url, body) if rule.writes or body else method(url)
    if response.streaming:  # a streamed answer (a map layer's GeoJSON), read whole to be looked into
        return HttpResponse(b"".join(response.streaming_content), status=response.status_code, headers=response.headers)
    return response


@pytest.mark.parametrize(("rule", "persona"), CASES)
def test_permission(rule, persona, scene, client_as):
    client = client_as(persona.name)
    before = snapshot() if rule.writes and not rule.allows(persona) else None
    response = send(client, rule, scene)
    status = response.status_code
    assert status < 500, f"{rule.name} answered {persona.name} with {status}"
    marker = rule.listed(scene) if rule.listed else None
    if rule.allows(persona):
        assert 200 <= status < 400, f"{persona.name} was refused: {seen(response)}"
        assert rule.writes or not refused(response, rule), f"{persona.name} was refused: {seen(response)}"
        if marker is not None:
            assert shown(response, marker), f"{persona.name} does not see community A's {marker}"
        return
    if refused(response, rule):
        pass
    else:
        assert rule.others_answered and 200 <= status < 400, (
            f"{persona.name} was answered, not refused: {seen(response)}"
        )
        if marker is not None:
            assert not shown(response, marker), f"{persona.name} sees community A's {marker}"
    if before is not None:
        assert not changes(before, snapshot()), f"a refused {rule.method} by {persona.name} changed records"


SUFFIXED = [
    pytest.param(rule, persona, id=f"{rule.method} {rule.route.rstrip('/')}.json × {persona.name}")
    for rule in RULES
    if rule.route.startswith("/api/") and rule.listed and rule.url is None
    for persona in PERSONAS
    if not rule.allows(persona)
]


@pytest.mark.parametrize(("rule", "persona"), SUFFIXED)
def test_a_format_suffix_shows_no_more(rule, persona, scene, client_as):
    """DRF's `.json` routes share their rule: the same list, as narrow."""
    response = client_as(persona.name).get(rule.route.rstrip("/") + ".json")
    assert response.status_code < 500
    assert refused(response, rule) or not shown(response, rule.listed(scene)), seen(response)
