"""Which column of the file feeds which field: each field's usual column names (English, Chinese, common GIS
spellings), matched without regard to case; a person may name the column of a field themselves."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from geo.io.errors import ImportRefused


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str | Promise
    aliases: tuple[str, ...]
    required: bool = False


def column_mapping(
    fields: Iterable[FieldSpec], columns: Iterable[str], chosen: Mapping[str, str] | None = None
) -> dict[str, str]:
    """field name → column; the ``chosen`` columns first, then the first alias the file has."""
    columns = [str(column) for column in columns if str(column) != "geometry"]
    lowered = {column.strip().lower(): column for column in columns}
    mapping: dict[str, str] = {}
    for spec in fields:
        wanted = (chosen or {}).get(spec.name)
        if wanted:
            if wanted not in columns:
                raise ImportRefused(
                    _("The file has no column “%(column)s” for %(field)s; its columns: %(columns)s.")
                    % {"column": wanted, "field": spec.label, "columns": ", ".join(columns)}
                )
            mapping[spec.name] = wanted
            continue
        found = next((lowered[alias] for alias in (spec.name, *spec.aliases) if alias.lower() in lowered), None)
        if found is not None and found not in mapping.values():
            mapping[spec.name] = found
    return mapping


def check_required(fields: Iterable[FieldSpec], mapping: Mapping[str, str], defaults: Mapping[str, object]) -> None:
    missing = [spec for spec in fields if spec.required and spec.name not in mapping and not defaults.get(spec.name)]
    if missing:
        raise ImportRefused(
            _("The file has no column for: %(fields)s. Rename the column or choose it.")
            % {"fields": ", ".join(f"{spec.label} ({spec.name})" for spec in missing)}
        )


def text(value) -> str:
    """A cell as text: empty for a missing value (None, NaN)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()
