"""The dry run: what an import would do, row by row. A row is created, updates the existing place its key names,
or is refused with the reasons; shapes repaired on the way are reported. Nothing is written."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from accounts.roles import is_admin
from geo.io.crs import describe, to_wgs84
from geo.io.mapping import check_required, column_mapping, text
from geo.io.readers import read_source
from geo.io.repair import RowProblem, clean_shape
from geo.io.targets import TARGETS, Context, RowRefused, Target
from geo.models import Jurisdiction
from geo.scope import check_inside_scope
from geo.selectors import jurisdictions_for_user
from geo.services import locate_jurisdiction
from geo.validation import from_shapely

CREATE, UPDATE, REFUSE = "create", "update", "refuse"


@dataclass
class PlannedRow:
    number: int  # the feature's number in the file, from 1
    action: str
    key: str = ""
    label: str = ""
    reasons: list[str] = field(default_factory=list)
    repaired: str = ""
    instance: Model | None = None
    parent_code: str = ""  # a jurisdiction whose parent is created by the same import


@dataclass
class ImportPlan:
    target: Target
    name: str
    format: str
    crs: str
    mapping: dict[str, str]
    rows: list[PlannedRow]

    @property
    def count(self) -> int:
        return len(self.rows)

    def of(self, action: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def creates(self) -> int:
        return len(self.of(CREATE))

    @property
    def updates(self) -> int:
        return len(self.of(UPDATE))

    @property
    def refusals(self) -> int:
        return len(self.of(REFUSE))

    @property
    def repairs(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.repaired and row.action != REFUSE]

    def mapping_labels(self) -> list[tuple[str, str]]:
        """(column, field label) for each column read."""
        labels = {spec.name: str(spec.label) for spec in self.target.fields}
        return [(column, labels[name]) for name, column in self.mapping.items()]


def import_preview(
    *,
    path: Path,
    name: str,
    target: str,
    user,
    crs: str = "",
    columns: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
) -> ImportPlan:
    """The plan for importing the file at ``path`` (uploaded as ``name``) into ``target``; ImportRefused when the
    file as a whole cannot be taken."""
    spec = TARGETS[target]
    source = read_source(path, name=name)
    frame, source_crs = to_wgs84(source.frame, crs)
    defaults = {key: value for key, value in (defaults or {}).items() if value}
    mapping = column_mapping(spec.fields, frame.columns, columns)
    check_required(spec.fields, mapping, defaults)
    context = Context(user=user, defaults=defaults)
    records = frame.drop(columns="geometry").to_dict("records") if len(frame.columns) > 1 else [{}] * len(frame)
    values_of = [{name: text(record.get(column)) for name, column in mapping.items()} for record in records]
    file_codes = {values.get("code", "") for values in values_of} if spec is TARGETS["jurisdictions"] else set()
    rows, seen = [], {}
    for index, (values, shape) in enumerate(zip(values_of, frame.geometry, strict=True)):
        row = PlannedRow(number=index + 1, action=CREATE, key=values.get(spec.key, ""), label=values.get("name", ""))
        rows.append(row)
        try:
            if index in source.problems:
                raise RowProblem(source.problems[index])
            if row.key and row.key in seen:
                raise RowRefused(
                    _("its %(key)s “%(value)s” is also on row %(row)d")
                    % {"key": mapping.get(spec.key, spec.key), "value": row.key, "row": seen[row.key]}
                )
            if row.key:
                seen[row.key] = row.number
            cleaned = clean_shape(shape, allowed=spec.allowed)
            row.repaired = cleaned.repaired
            instance, exists = spec.build(values, context)
            setattr(instance, spec.geometry_field, from_shapely(cleaned.geometry))
            _complete(spec, instance, values, cleaned.geometry, context, file_codes, row)
            check_inside_scope(user, getattr(instance, spec.geometry_field))
            _validate(spec, instance, row)
        except (RowProblem, RowRefused) as exc:
            row.action, row.reasons = REFUSE, [str(exc)]
            continue
        except ValidationError as exc:
            row.action, row.reasons = REFUSE, _messages(exc)
            continue
        row.instance = instance
        row.action = UPDATE if exists else CREATE
    _check_parents_in_file(rows)
    return ImportPlan(spec, name, source.format, describe(source_crs), mapping, rows)


def _check_parents_in_file(rows: list[PlannedRow]) -> None:
    """A jurisdiction whose parent the same file creates: that parent must be taken, and of a higher level."""
    planned = {row.key: row for row in rows if row.action != REFUSE}
    for row in rows:
        if not row.parent_code or row.action == REFUSE:
            continue
        parent = planned.get(row.parent_code)
        if parent is None:
            row.action, row.reasons = REFUSE, [_("its parent %(code)s is refused") % {"code": row.parent_code}]
        elif parent.instance.level >= row.instance.level:
            row.action, row.reasons = (
                REFUSE,
                [
                    _("A %(kind)s cannot belong to a %(parent_kind)s.")
                    % {"kind": row.instance.get_kind_display(), "parent_kind": parent.instance.get_kind_display()}
                ],
            )


def _complete(spec: Target, instance, values, shape, context: Context, file_codes: set[str], row) -> None:
    """What a row derives from its shape or its place in the tree: a hotspot's jurisdiction, a unit's (when the file
    names none), a jurisdiction's parent."""
    if spec.name == "hotspots":
        instance.jurisdiction = locate_jurisdiction(from_shapely(shape))
    elif spec.name == "units" and instance.jurisdiction_id is None:
        anchor = from_shapely(shapely.point_on_surface(shape))
        instance.jurisdiction = locate_jurisdiction(anchor)
        if (
            not is_admin(context.user)
            and not jurisdictions_for_user(context.user).filter(pk=instance.jurisdiction.pk).exists()
        ):
            raise RowRefused(
                _("its service area lies in %(place)s, outside your area") % {"place": instance.jurisdiction}
            )
    elif spec.name == "jurisdictions":
        _place_in_tree(instance, values.get("parent", ""), context, file_codes, row)


def _place_in_tree(jurisdiction: Jurisdiction, parent_code: str, context, file_codes: set[str], row) -> None:
    code = jurisdiction.code
    if not parent_code and jurisdiction.level > 0:
        existing = context.once("codes", lambda: set(Jurisdiction.objects.values_list("code", flat=True)))
        prefixes = [c for c in (existing | file_codes) if c != code and code.startswith(c)]
        parent_code = max(prefixes, key=len, default="")
    if not parent_code:
        if not is_admin(context.user) and jurisdiction.pk is None:
            raise RowRefused(_("it has no parent inside your area (give a parent code)"))
        jurisdiction.parent = None
        return
    scoped = context.once("scoped", lambda: jurisdictions_for_user(context.user))
    parent = scoped.filter(code=parent_code).first()
    if parent is not None:
        jurisdiction.parent = parent
    elif parent_code in file_codes:
        row.parent_code = parent_code
    else:
        raise RowRefused(_("its parent %(code)s is not a jurisdiction in your area") % {"code": parent_code})


def _validate(spec: Target, instance, row: PlannedRow) -> None:
    exclude = {"hotspots": ["jurisdiction"], "jurisdictions": ["level"], "units": ["service_area_m2"]}[spec.name]
    if row.parent_code:
        exclude = [*exclude, "parent"]
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", None)
        if row.parent_code and errors:
            errors.pop("parent", None)
            if not errors:
                return
        raise


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return list(exc.messages)
