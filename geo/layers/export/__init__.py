"""Exports of a map layer (its definition in the registry, the caller's scope and the map's filters) to GeoPackage,
zipped Shapefile, GeoJSON, KML, CSV and an XLSX ledger."""

from geo.layers.export.formats import FORMATS, Format
from geo.layers.export.writers import FILE_WRITERS, STREAMS, export_file

__all__ = ["FILE_WRITERS", "FORMATS", "STREAMS", "Format", "export_file"]
