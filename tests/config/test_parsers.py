"""The API's JSON parser: bodies nested deeper than the documented limit answer 400 wherever JSON is read."""

import io

import pytest
from rest_framework.exceptions import ParseError

from config.parsers import MAX_JSON_DEPTH, JSONParser

DEEP = "[" * 100_000 + "]" * 100_000


def nested(depth: int) -> str:
    """``depth`` levels of containers: lists of one object holding a list, and so on."""
    text = "1"
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"a": {text}}}'
    return text


def parse(text: str):
    return JSONParser().parse(io.BytesIO(text.encode()), parser_context={})


def test_the_limit_itself_is_accepted_and_one_level_more_refused():
    assert parse(nested(MAX_JSON_DEPTH)) is not None
    with pytest.raises(ParseError, match=f"more than {MAX_JSON_DEPTH} levels"):
        parse(nested(MAX_JSON_DEPTH + 1))


def test_a_body_deeper_than_python_can_recurse_is_refused_too():
    with pytest.raises(ParseError, match=f"more than {MAX_JSON_DEPTH} levels"):
        parse(DEEP)


def test_malformed_json_is_still_a_parse_error():
    with pytest.raises(ParseError):
        parse('{"a": ')


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/inspections/", "/api/sync/"])
def test_deep_json_answers_400_to_a_signed_in_tablet(client_for, world, url):
    response = client_for(world.users.inspector).post(url, DEEP, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert f"more than {MAX_JSON_DEPTH} levels" in response.json()["detail"]


@pytest.mark.django_db
def test_deep_json_answers_400_at_the_token_endpoint_without_login(api_client):
    response = api_client.post("/api/auth/token/", DEEP, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:200]
    assert f"more than {MAX_JSON_DEPTH} levels" in response.json()["detail"]


@pytest.mark.django_db
def test_the_token_endpoint_still_reads_json(api_client, world):
    world.users.inspector.set_password("secret-pass-1")
    world.users.inspector.save()
    response = api_client.post(
        "/api/auth/token/", {"username": "inspector_u", "password": "secret-pass-1"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["token"]


@pytest.mark.django_db
def test_the_refusal_is_in_chinese_for_a_chinese_tablet(api_client):
    response = api_client.post(
        "/api/auth/token/", DEEP, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert f"嵌套超过 {MAX_JSON_DEPTH} 层" in response.json()["detail"]


def test_the_schema_states_the_limit(settings):
    assert f"{MAX_JSON_DEPTH} levels" in settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
