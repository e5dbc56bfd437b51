"""What an import can make: hotspots, jurisdictions and units (their service areas). Each target names its fields
(``FieldSpec``), the shapes it takes, and how a row becomes an unsaved model instance: a new one, or the existing
one its key names (a hotspot's external id, a jurisdiction's official code, a unit's name)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.io.mapping import FieldSpec
from geo.models import Hotspot, HotspotCategory, Jurisdiction, JurisdictionKind, RiskLevel, Unit, UnitKind
from geo.models.jurisdictions import LEVEL_OF_KIND
from geo.selectors import hotspots_for_user, jurisdictions_for_user, units_for_user

YES = {"1", "true", "yes", "y", "t", "是", "启用", "有效"}
NO = {"0", "false", "no", "n", "f", "否", "停用", "无效"}


class RowRefused(ValueError):
    pass


def choice(choices, value: str, what) -> str:
    """A choice from its value or its label in either language."""
    wanted = value.strip().lower()
    for code, label in choices:
        names = {str(code).lower()}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(label).lower())
        if wanted in names:
            return code
    raise RowRefused(_("“%(value)s” is not a known %(what)s") % {"value": value, "what": what})


def boolean(value: str) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise RowRefused(_("“%(value)s” is neither yes nor no") % {"value": value})


@dataclass
class Context:
    """What the rows of one import look up, read once."""

    user: object
    defaults: Mapping[str, str] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)

    def once(self, key: str, make: Callable):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


@dataclass(frozen=True)
class Target:
    name: str
    label: str | Promise
    model: type[Model]
    geometry_field: str
    allowed: tuple[str, ...]
    key: str
    fields: tuple[FieldSpec, ...]
    build: Callable[[dict, Context], tuple[Model, bool]]  # (instance, whether it exists)
    selector: Callable


# ---------------------------------------------------------------- hotspots


def _category(value: str, context: Context) -> HotspotCategory:
    categories = context.once("categories", lambda: list(HotspotCategory.objects.all()))
    wanted = value.strip().lower()
    for category in categories:
        if wanted in {category.code.lower(), category.name.lower(), category.name_en.lower()}:
            return category
    raise RowRefused(_("there is no hotspot category “%(value)s”") % {"value": value})


def _unit(value: str, context: Context) -> Unit:
    units = context.once("units", lambda: {unit.name: unit for unit in units_for_user(context.user)})
    try:
        return units[value]
    except KeyError:
        raise RowRefused(_("there is no unit “%(value)s” in your area") % {"value": value}) from None


def build_hotspot(values: dict, context: Context) -> tuple[Hotspot, bool]:
    external_id = values.get("external_id", "")
    hotspot, exists = Hotspot(), False
    if external_id:
        found = Hotspot.objects.filter(external_id=external_id).first()
        if found is not None:
            if not hotspots_for_user(context.user).filter(pk=found.pk).exists():
                raise RowRefused(
                    _("the hotspot with external id “%(id)s” lies outside your area") % {"id": external_id}
                )
            hotspot, exists = found, True
    hotspot.external_id = external_id
    hotspot.name = values.get("name", "")
    category = values.get("category") or context.defaults.get("category", "")
    if category:
        hotspot.category = _category(category, context)
    for name in ("address",):
        if name in values:
            setattr(hotspot, name, values[name])
    if values.get("risk_level"):
        hotspot.risk_level = choice(RiskLevel.choices, values["risk_level"], _("risk level"))
    if values.get("sponsoring_unit"):
        hotspot.sponsoring_unit = _unit(values["sponsoring_unit"], context)
    if values.get("active"):
        hotspot.active = boolean(values["active"])
    return hotspot, exists


HOTSPOTS = Target(
    name="hotspots",
    label=gettext_lazy("Hotspots"),
    model=Hotspot,
    geometry_field="geometry",
    allowed=("Point", "Polygon", "MultiPolygon"),
    key="external_id",
    fields=(
        FieldSpec("external_id", gettext_lazy("external id"), ("external_i", "ext_id", "uid", "编号", "点位编号")),
        FieldSpec("name", gettext_lazy("name"), ("名称", "点位名称", "title"), required=True),
        FieldSpec("category", gettext_lazy("category"), ("category_code", "type", "类别", "点位类别", "分类"), True),
        FieldSpec("address", gettext_lazy("address"), ("地址", "addr")),
        FieldSpec("risk_level", gettext_lazy("risk level"), ("risk", "风险等级")),
        FieldSpec("sponsoring_unit", gettext_lazy("sponsoring unit"), ("unit", "包保单位", "责任单位")),
        FieldSpec("active", gettext_lazy("active"), ("enabled", "启用")),
    ),
    build=build_hotspot,
    selector=hotspots_for_user,
)


# ---------------------------------------------------------------- jurisdictions


def _kind_from_code(code: str) -> str:
    return {6: JurisdictionKind.DISTRICT, 9: JurisdictionKind.SUBDISTRICT, 12: JurisdictionKind.COMMUNITY}.get(
        len(code), JurisdictionKind.GRID
    )


def build_jurisdiction(values: dict, context: Context) -> tuple[Jurisdiction, bool]:
    code = values.get("code", "")
    if not code:
        raise RowRefused(_("the official code is empty"))
    found = Jurisdiction.objects.filter(code=code).first()
    if found is not None and not jurisdictions_for_user(context.user).filter(pk=found.pk).exists():
        raise RowRefused(_("the jurisdiction %(code)s lies outside your area") % {"code": code})
    jurisdiction = found or Jurisdiction(code=code)
    jurisdiction.name = values.get("name", "") or jurisdiction.name
    if "name_en" in values:
        jurisdiction.name_en = values["name_en"]
    kind = values.get("kind")
    jurisdiction.kind = (
        choice(JurisdictionKind.choices, kind, _("jurisdiction kind"))
        if kind
        else jurisdiction.kind or _kind_from_code(code)
    )
    jurisdiction.level = LEVEL_OF_KIND[jurisdiction.kind]
    return jurisdiction, found is not None


JURISDICTIONS = Target(
    name="jurisdictions",
    label=gettext_lazy("Jurisdictions"),
    model=Jurisdiction,
    geometry_field="boundary",
    allowed=("MultiPolygon",),
    key="code",
    fields=(
        FieldSpec("code", gettext_lazy("official code"), ("adcode", "区划代码", "代码", "编码"), required=True),
        FieldSpec("name", gettext_lazy("name"), ("名称", "区划名称"), required=True),
        FieldSpec("name_en", gettext_lazy("English name"), ("english_name", "英文名称")),
        FieldSpec("kind", gettext_lazy("kind"), ("type", "类型", "级别")),
        FieldSpec("parent", gettext_lazy("parent"), ("parent_code", "上级代码", "上级")),
    ),
    build=build_jurisdiction,
    selector=jurisdictions_for_user,
)


# ---------------------------------------------------------------- units


def build_unit(values: dict, context: Context) -> tuple[Unit, bool]:
    name = values.get("name", "")
    if not name:
        raise RowRefused(_("the unit's name is empty"))
    found = Unit.objects.filter(name=name).first()
    if found is not None and not units_for_user(context.user).filter(pk=found.pk).exists():
        raise RowRefused(_("the unit “%(name)s” belongs outside your area") % {"name": name})
    unit = found or Unit(name=name, kind=UnitKind.OTHER)
    if "name_en" in values:
        unit.name_en = values["name_en"]
    if values.get("kind"):
        unit.kind = choice(UnitKind.choices, values["kind"], _("unit kind"))
    code = values.get("jurisdiction") or context.defaults.get("jurisdiction", "")
    if code:
        jurisdictions = context.once("jurisdictions", lambda: jurisdictions_for_user(context.user))
        jurisdiction = jurisdictions.filter(code=code).first()
        if jurisdiction is None:
            raise RowRefused(_("there is no jurisdiction %(code)s in your area") % {"code": code})
        unit.jurisdiction = jurisdiction
    for name in ("contact_name", "contact_phone"):
        if name in values:
            setattr(unit, name, values[name])
    return unit, found is not None


UNITS = Target(
    name="units",
    label=gettext_lazy("Units' service areas"),
    model=Unit,
    geometry_field="service_area",
    allowed=("MultiPolygon",),
    key="name",
    fields=(
        FieldSpec("name", gettext_lazy("name"), ("单位名称", "名称", "unit"), required=True),
        FieldSpec("name_en", gettext_lazy("English name"), ("english_name", "英文名称")),
        FieldSpec("kind", gettext_lazy("kind"), ("type", "类型", "单位类型")),
        FieldSpec("jurisdiction", gettext_lazy("jurisdiction"), ("jurisdiction_code", "所属辖区", "区划代码")),
        FieldSpec("contact_name", gettext_lazy("contact person"), ("contact", "联系人")),
        FieldSpec("contact_phone", gettext_lazy("contact phone"), ("phone", "tel", "联系电话", "电话")),
    ),
    build=build_unit,
    selector=units_for_user,
)

TARGETS = {target.name: target for target in (HOTSPOTS, JURISDICTIONS, UNITS)}
