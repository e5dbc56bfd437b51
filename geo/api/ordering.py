"""`?ordering=` on every list of the API: one or more of the list's ``ordering_fields``, separated by commas, each
reversed by a leading ``-`` (``?ordering=-created_at,name``). A name the list does not offer answers 400 naming the
names it does; an empty value keeps the list's own order. The primary key breaks ties, so pages never overlap."""

from operator import attrgetter

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

PARAMETER = "ordering"


def ordering_terms(request, fields: list[str]) -> list[str]:
    """The terms asked for (each a field name, maybe with a leading -), or a 400 for a name not in `fields`."""
    value = request.query_params.get(PARAMETER, "")
    terms = [term.strip() for term in value.split(",") if term.strip()]
    for term in terms:
        if term.removeprefix("-") not in fields:
            raise ValidationError(
                {
                    PARAMETER: [
                        _("This list is ordered by %(fields)s (a leading - reverses one), not by “%(term)s”.")
                        % {"fields": ", ".join(fields), "term": term[:40]}
                    ]
                }
            )
    return terms


def schema_parameter(fields: list[str]) -> dict:
    names = [name for field in fields for name in (field, f"-{field}")]
    return {
        "name": PARAMETER,
        "required": False,
        "in": "query",
        "description": "Order by these fields, separated by commas; a leading - reverses one.",
        "schema": {"type": "array", "items": {"type": "string", "enum": names}},
        "style": "form",
        "explode": False,
    }


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering filter, refusing the names a view's ``ordering_fields`` does not list (DRF drops them)."""

    def get_ordering(self, request, queryset, view):
        terms = ordering_terms(request, list(getattr(view, "ordering_fields", None) or []))
        if not terms:
            return self.get_default_ordering(view)
        return [*terms, "pk"] if not any(term.removeprefix("-") == "pk" for term in terms) else terms

    def filter_queryset(self, request, queryset, view):
        if not getattr(view, "ordering_fields", None):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        fields = list(getattr(view, "ordering_fields", None) or [])
        return [schema_parameter(fields)] if fields else []


def order_items(items: list, terms: list[str], paths: dict[str, str]) -> list:
    """A list already read (not a query) in the order of `terms`; `paths`: field name → attribute path."""
    for term in reversed(terms):
        name = term.removeprefix("-")
        items = sorted(items, key=attrgetter(paths[name]), reverse=term.startswith("-"))
    return items
