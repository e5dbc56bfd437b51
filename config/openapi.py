"""The error answers of the API in its OpenAPI schema, in the shapes `config.api.exception_handler` gives them.

A drf-spectacular postprocessing hook. Every optional query parameter of a GET may be empty (an empty value is
ignored, as if the parameter were not given), and every operation documents the errors it can answer (400 bad
input, 401 no or a wrong token, 403 refused, 404 not found, 415 a body of another media type, 503 a busy
database), each with its body's schema. An answer an operation documents itself keeps its description and its own
schema (a 409 with the task's state, say); one documented with a description only gets the shared schema.
"""

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"

COMPONENTS = {
    ERROR: {
        "type": "object",
        "description": "Every error of the API has this shape. `detail`: what went wrong, in the request's "
        "language; `code`: a stable word for programs (`invalid`, `not_authenticated`, `authentication_failed`, "
        "`permission_denied`, `move_forbidden`, `not_found`, `method_not_allowed`, `conflict`, "
        "`unsupported_media_type`, `throttled`, `locked_out`, `busy`, `unavailable`, a refused photo's reason such "
        "as `too_large`). Some answers add fields (a 409 the task's `status` and `allowed_transitions`, a refused "
        "photo its limit).",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail", "code"],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": "Bad input (code `invalid`), the same shape as every error (`detail`: the first message, "
        "naming its parameter; `code`), and besides, under each parameter or field at fault (`non_field_errors`: "
        "the request as a whole), its messages: a list of strings (a message alone for some query parameters, the "
        "same shape again for the items of a nested field).",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail", "code"],
        "additionalProperties": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {}},
                {"type": "object"},
            ]
        },
    },
}

DESCRIPTIONS = {
    "400": "Bad input: the message names the parameter or field. Nothing is stored.",
    "401": "No credentials, or a token that is not (or no longer) valid: send `Authorization: Token <token>`.",
    "403": "Not yours to do or see (your role or area), or, signed in by session, a write without the CSRF token.",
    "404": "No such object for you (or a page beyond the last).",
    "415": "A body of a media type this operation does not read.",
    "503": "The database was busy with other writers for too long: nothing was stored; send the same request again "
    "after `Retry-After` seconds.",
}

RETRY_AFTER = {"description": "Seconds to wait before sending it again.", "schema": {"type": "integer"}}

UNSAFE = {"post", "put", "patch", "delete"}
METHODS = UNSAFE | {"get", "head"}


def error_statuses(method: str, operation: dict) -> set[str]:
    """The errors this operation can answer besides those it documents itself."""
    parameters = operation.get("parameters", [])
    statuses = {"401"}
    if method in UNSAFE:
        statuses |= {"403", "503"}
    if "requestBody" in operation:
        statuses |= {"400", "415"}
    if any(parameter["in"] == "query" and parameter["name"] != "page" for parameter in parameters):
        statuses.add("400")
    if any(parameter["in"] == "path" or parameter["name"] == "page" for parameter in parameters):
        statuses.add("404")
    return statuses


def error_content(status: str) -> dict:
    component = VALIDATION_ERROR if status == "400" else ERROR
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}


OPEN311_PREFIX = "/open311/"
OPEN311_ERROR = {
    "type": "object",
    "description": "An error as GeoReport v2 writes it (`<errors><error>…` in XML): `code` the HTTP status, "
    "`description` the message, naming the parameter at fault.",
    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    "required": ["code", "description"],
}
OPEN311_ERRORS = {"type": "array", "items": {"$ref": "#/components/schemas/Open311Error"}}


def open311_error_content(status: str) -> dict:
    """Open311's errors (no sign-in there: no 401), a list of {code, description}, in either format."""
    return {media: {"schema": OPEN311_ERRORS} for media in ("application/json", "text/xml")}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook (settings `SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    result["components"]["schemas"]["Open311Error"] = OPEN311_ERROR
    for route, path in result.get("paths", {}).items():
        open311 = route.startswith(OPEN311_PREFIX)
        for method, operation in path.items():
            if method not in METHODS:
                continue
            if method == "get":
                # An empty value of an optional query parameter is ignored, as if the parameter were not given.
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query" and not parameter.get("required"):
                        parameter["allowEmptyValue"] = True
            responses = operation.setdefault("responses", {})
            for status in error_statuses(method, operation) - ({"401"} if open311 else set()):
                responses.setdefault(status, {"description": DESCRIPTIONS[status]})
            for status, response in responses.items():
                if status >= "400" and open311:
                    response["content"] = open311_error_content(status)
                elif status >= "400" and "content" not in response:
                    response["content"] = error_content(status)
            if "503" in responses:
                responses["503"].setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER)
            operation["responses"] = dict(sorted(responses.items()))
    return result
