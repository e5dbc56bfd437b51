"""What the project serves: every URL pattern of the resolver and every operation of the OpenAPI schema, each as
``METHOD /path/{param}/`` (a path for the URL patterns, whose methods the views decide)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

FORMAT_SUFFIX = re.compile(r"\\\.\(\?P<format>[^)]*\)/\?\$$|<drf_format_suffix:format>$")
"""DRF's `.json` variants of each route: the same view and rule as the route without them."""


def _readable(pattern: str) -> str:
    pattern, suffixes = FORMAT_SUFFIX.subn("", pattern)
    if suffixes and not pattern.endswith("/"):
        pattern += "/"
    pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)  # (?P<pk>[^/.]+) → {pk}
    pattern = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)  # <uuid:pk> → {pk}
    pattern = pattern.replace("^", "").replace("$", "").replace("\\.", ".").replace("{pk}", "{id}")
    return "/" + pattern


def url_routes() -> set[str]:
    """Every URL pattern as a readable path, the admin's included."""

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    return {_readable(pattern) for pattern in walk(get_resolver().url_patterns, "")}


def schema_operations() -> set[str]:
    """Every operation of the OpenAPI schema, as drf-spectacular generates it for /api/schema/."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {f"{method.upper()} {path}" for path, operations in schema["paths"].items() for method in operations}
