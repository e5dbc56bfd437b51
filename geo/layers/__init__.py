"""Map layers: the registry (`registry`), and the outputs one definition feeds."""

from geo.layers.photos import LayerPhoto, LayerPhotos
from geo.layers.registry import (
    Layer,
    LayerFilterError,
    LayerNotFound,
    LegendEntry,
    all_layers,
    filtered,
    get_layer,
    layers_for,
    register,
)
from geo.layers.versions import sources_changed

__all__ = [
    "Layer",
    "LayerFilterError",
    "LayerNotFound",
    "LayerPhoto",
    "LayerPhotos",
    "LegendEntry",
    "all_layers",
    "filtered",
    "get_layer",
    "layers_for",
    "register",
    "sources_changed",
]
