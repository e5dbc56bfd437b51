"""Every error of the API in one shape: {"detail": message, "code": word, …the fields at fault}."""

import pytest

from config.api import one_shape

pytestmark = pytest.mark.django_db


def test_bad_input_names_the_field_in_detail_and_keeps_the_fields(client_for, world):
    response = client_for(world.users.manager).get("/api/findings/", {"phase": "abc"})
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid"
    assert body["detail"].startswith("phase: Give an id") and body["phase"][0].startswith("Give an id")


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/findings/", 401, "not_authenticated"),
        ("/api/nothing-here/", 404, "not_found"),
    ],
)
def test_refusals_carry_detail_and_code(client, url, status, code):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert set(response.json()) == {"detail", "code"} and response.json()["code"] == code


def test_a_wrong_token_and_a_refused_role_have_their_codes(api_client, client_for, world):
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert api_client.get("/api/findings/").json()["code"] == "authentication_failed"
    refused = client_for(world.users.volunteer).get("/api/tasks/")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


def test_one_shape_joins_a_list_of_messages_and_keeps_extra_fields():
    assert one_shape({"detail": ["a.", "b."]}, "invalid") == {"detail": "a. b.", "code": "invalid"}
    assert one_shape(["x"], "invalid") == {"detail": "x", "code": "invalid"}
    assert one_shape({"non_field_errors": ["whole."]}, "invalid")["detail"] == "whole."
    conflict = one_shape({"detail": "no.", "status": "dispatched"}, "conflict")
    assert conflict == {"detail": "no.", "code": "conflict", "status": "dispatched"}
    assert one_shape({"detail": "too big", "code": "too_large"}, "invalid")["code"] == "too_large"
