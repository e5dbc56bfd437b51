"""The ``jurisdictions`` layer (区 → 街道 → 社区 → 网格 boundaries), registered by geo at start-up: the same rows as
``/api/jurisdictions/``, drawn by kind, and exported like every other layer."""

from django.utils.translation import gettext_lazy as _

from accounts.permissions import can_view_map
from geo.api.filters import IdFilter, IdFilterSet
from geo.layers.filters import within_jurisdiction
from geo.layers.registry import Layer, LegendEntry, register
from geo.models import Jurisdiction, JurisdictionKind
from geo.selectors import jurisdictions_for_user

KIND_COLORS = {
    JurisdictionKind.DISTRICT: "#252525",
    JurisdictionKind.SUBDISTRICT: "#636363",
    JurisdictionKind.AREA: "#636363",
    JurisdictionKind.TOWN: "#636363",
    JurisdictionKind.COMMUNITY: "#3182bd",
    JurisdictionKind.VILLAGE: "#31a354",
    JurisdictionKind.GRID: "#bdbdbd",
}


class JurisdictionLayerFilter(IdFilterSet):
    """``community``: a jurisdiction's id, that jurisdiction and everything below it (as on the other layers)."""

    community = IdFilter(method="filter_community", label=_("Community or any jurisdiction (id)"))

    class Meta:
        model = Jurisdiction
        fields = []

    def filter_community(self, queryset, name, value):
        return within_jurisdiction(queryset, value)


def jurisdiction_properties() -> dict:
    return {
        "code": "code",
        "name": "name",
        "name_en": "name_en",
        "kind": "kind",
        "level": "level",
        "parent": "parent__code",
    }


JURISDICTIONS = Layer(
    name="jurisdictions",
    label=_("Jurisdictions"),
    description=_("District, subdistricts, communities and grid cells."),
    rows=jurisdictions_for_user,
    geometry="boundary",
    properties=jurisdiction_properties,
    filterset=JurisdictionLayerFilter,
    style="kind",
    legend=tuple(LegendEntry(kind, kind.label, KIND_COLORS[kind]) for kind in JurisdictionKind),
    sources=("geo.Jurisdiction",),
    visible=can_view_map,
)


def register_layers() -> None:
    register(JURISDICTIONS)
