"""The Open311 endpoints are in the OpenAPI schema, with their errors in Open311's format and no sign-in."""

import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/open311/v2/discovery.{fmt}"),
    ("get", "/open311/v2/services.{fmt}"),
    ("get", "/open311/v2/services/{service_code}.{fmt}"),
    ("get", "/open311/v2/requests.{fmt}"),
    ("post", "/open311/v2/requests.{fmt}"),
    ("get", "/open311/v2/requests/{service_request_id}.{fmt}"),
}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_lists_every_open311_endpoint(schema):
    listed = {(method, path) for path, ops in schema["paths"].items() if path.startswith("/open311/") for method in ops}
    assert listed == OPERATIONS


def test_their_errors_are_open311_lists_in_both_formats(schema):
    post = schema["paths"]["/open311/v2/requests.{fmt}"]["post"]
    assert {"201", "200", "400", "403", "429", "503"} <= set(post["responses"]) and "401" not in post["responses"]
    for media in ("application/json", "text/xml"):
        assert post["responses"]["429"]["content"][media]["schema"] == {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Open311Error"},
        }
    assert set(post["requestBody"]["content"]) == {"application/x-www-form-urlencoded", "multipart/form-data"}
    [fmt] = [p for p in post["parameters"] if p["name"] == "fmt"]
    assert fmt["schema"]["enum"] == ["json", "xml"]
