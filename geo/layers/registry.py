"""The layer registry: one definition of a map layer feeds the GeoJSON endpoint, the vector tiles, the aggregates
and the GIS exports, scoped to the caller exactly like the API.

`geo` knows no layer above it: an app registers its layers in ``AppConfig.ready()`` (``inspections.layers``
registers ``hotspots``, ``findings`` and ``tasks``). A definition names

- ``rows(user)``: the scoped queryset, the same selector the API uses (a caller sees on the map what the API lists);
- ``geometry``: the geometry field drawn;
- ``properties()``: feature properties, a name → ORM path or query expression each, built per request (an expression
  may depend on the time, e.g. a task's "overdue" state);
- ``filterset``: a django-filter FilterSet over ``rows`` (the page's filters, validated with a 400 and a message);
- ``style``: the property the colour follows, and ``legend``: its values with label and colour;
- ``time_field``: the date the date range and the time control use; ``weight``: the heatmap weight;
- ``sources``: the models whose writes change what the layer draws (the tile cache's invalidation);
- ``figures``: what an aggregate cell counts besides its rows and their weight (a name → the condition the rows
  counted meet, built per request), and ``rates``: shares of those counts (name, numerator, denominator);
- ``photos``: how the photos of its features are read (``LayerPhotos``), for exports that take them along.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Expression, F, Q, QuerySet
from django.utils.functional import Promise

from geo.layers.photos import LayerPhotos
from geo.layers.versions import watch


@dataclass(frozen=True)
class LegendEntry:
    """One value of a layer's style property: how it reads and how it is drawn."""

    value: str
    label: str | Promise
    color: str
    emphasis: bool = False  # drawn to stand out (overdue, rejected)

    def as_dict(self) -> dict:
        return {"value": self.value, "label": str(self.label), "color": self.color, "emphasis": self.emphasis}


@dataclass(frozen=True)
class Layer:
    name: str
    label: str | Promise
    rows: Callable[[object], QuerySet]
    geometry: str
    properties: Callable[[], Mapping[str, str | Expression]]
    filterset: type
    style: str
    legend: tuple[LegendEntry, ...] = ()
    time_field: str = ""
    weight: Callable[[], Expression] | None = None
    description: str | Promise = ""
    # Models ("app_label.Model") whose writes change the layer: a write to any of them invalidates cached tiles.
    sources: tuple[str, ...] = ()
    # Who may see the layer at all (beyond the scoping of ``rows``); everyone the map is open to by default.
    visible: Callable[[object], bool] = field(default=lambda user: True)
    # Counts an aggregate cell (hexagon, square, community) gives besides ``count`` and ``weight``: the rows that
    # meet each condition. Additive, so a cell's figures are sums and a community's the sum of its grid cells'.
    figures: Callable[[], Mapping[str, Q]] | None = None
    # Shares of those counts: (name, numerator, denominator), each a figure's name or "count"; null when the
    # denominator is 0.
    rates: tuple[tuple[str, str, str], ...] = ()
    # The photos of its features (findings and tasks have some): an export may take them along in a zip.
    photos: LayerPhotos | None = None

    def queryset(self, user, params: Mapping | None = None) -> QuerySet:
        """The caller's rows, filtered by ``params`` (query parameters); a bad value raises django-filter's
        ValidationError through ``filtered``."""
        rows = self.rows(user)
        if params is None:
            return rows
        return filtered(self, rows, params)

    def columns(self) -> dict[str, Expression]:
        """The properties as expressions, each named ``PROPERTY_PREFIX + name`` (so that a property may share its
        name with a model field): what ``rows.values(**layer.columns())`` selects."""
        return {
            PROPERTY_PREFIX + name: F(value) if isinstance(value, str) else value
            for name, value in self.properties().items()
        }

    def feature_rows(self, rows: QuerySet) -> QuerySet:
        """``rows`` as the values a feature is made of: ``pk``, the geometry (under its field name) and the columns.
        GeoJSON, tiles and exports compile this queryset to SQL and wrap it."""
        return rows.values("pk", self.geometry, **self.columns())

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "label": str(self.label),
            "description": str(self.description),
            "style": self.style,
            "legend": [entry.as_dict() for entry in self.legend],
            "time_field": self.time_field,
            "weighted": self.weight is not None,
            "photos": self.photos is not None,
        }


class LayerNotFound(LookupError):
    pass


class LayerFilterError(ValueError):
    """A filter value the layer cannot take; ``errors`` maps each parameter to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]):
        super().__init__(errors)
        self.errors = dict(errors)


PROPERTY_PREFIX = "p_"

_layers: dict[str, Layer] = {}


def register(layer: Layer) -> None:
    """Add a layer; registering the same name again (``ready()`` may run twice in tests) replaces it. Writes to its
    ``sources`` invalidate its cached tiles from now on."""
    watch(layer.sources)
    _layers[layer.name] = layer


def get_layer(name: str) -> Layer:
    try:
        return _layers[name]
    except KeyError:
        raise LayerNotFound(name) from None


def all_layers() -> list[Layer]:
    return list(_layers.values())


def layers_for(user) -> list[Layer]:
    """The layers this person may open, in the order they were registered."""
    return [layer for layer in _layers.values() if layer.visible(user)]


def filtered(layer: Layer, rows: QuerySet, params: Mapping) -> QuerySet:
    """``rows`` through the layer's filter set; a value it refuses raises LayerFilterError with every message."""
    filterset = layer.filterset(data=params, queryset=rows)
    if not filterset.is_valid():
        raise LayerFilterError({name: list(messages) for name, messages in filterset.errors.items()})
    return filterset.qs
