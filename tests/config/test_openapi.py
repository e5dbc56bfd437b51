"""The error answers and empty query values in the OpenAPI schema (config.openapi)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_every_operation_documents_401_with_the_error_shape(schema):
    for method, path, operation in operations(schema):
        if path.startswith("/open311/"):  # no sign-in there
            assert "401" not in operation["responses"], (method, path)
            continue
        content = operation["responses"]["401"]["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/Error"}, (method, path)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "code"]
    assert schema["components"]["schemas"]["ValidationError"]["required"] == ["detail", "code"]


def test_operations_with_input_document_400_and_those_with_an_id_404(schema):
    hotspots = schema["paths"]["/api/hotspots/"]["get"]["responses"]
    assert hotspots["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ValidationError"}
    assert "404" not in hotspots  # not paginated, no id
    assert set(schema["paths"]["/api/hotspots/{id}/"]["get"]["responses"]) == {"200", "401", "404"}
    assert "404" in schema["paths"]["/api/findings/"]["get"]["responses"]  # a page beyond the last
    assert set(schema["paths"]["/api/problem-types/{code}/"]["get"]["responses"]) == {"200", "401", "404"}
    assert set(schema["paths"]["/api/problem-types/"]["get"]["responses"]) == {"200", "400", "401"}  # ?ordering=


def test_writes_document_403_415_and_503_with_retry_after(schema):
    responses = schema["paths"]["/api/inspections/"]["post"]["responses"]
    assert {"400", "401", "403", "409", "415", "503"} <= set(responses)
    assert "Retry-After" in responses["503"]["headers"]


def test_an_answer_documented_by_its_view_keeps_its_own_schema_and_description(schema):
    responses = schema["paths"]["/api/tasks/{id}/transition/"]["post"]["responses"]
    assert responses["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TransitionRefused"
    }
    assert responses["400"]["description"].startswith("A missing or wrong detail")
    assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ValidationError"}


def test_optional_query_parameters_of_reads_may_be_empty(schema):
    for method, path, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            expected = method == "get" and not parameter.get("required")
            assert parameter.get("allowEmptyValue", False) is expected, (method, path, parameter["name"])


def test_bodies_with_nested_fields_are_json_only(schema):
    for path, method in [
        ("/api/inspections/", "post"),
        ("/api/sync/", "post"),
        ("/api/tasks/{id}/transition/", "post"),
    ]:
        assert list(schema["paths"][path][method]["requestBody"]["content"]) == ["application/json"], path
