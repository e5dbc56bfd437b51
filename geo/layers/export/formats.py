"""The export formats: name → file extension and media type."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    streamed: bool = False  # written straight to the response; the others go through a temporary file


FORMATS = {
    f.name: f
    for f in (
        Format("gpkg", "gpkg", "application/geopackage+sqlite3"),
        Format("shp", "zip", "application/zip"),
        Format("geojson", "geojson", "application/geo+json", streamed=True),
        Format("kml", "kml", "application/vnd.google-earth.kml+xml"),
        Format("csv", "csv", "text/csv; charset=utf-8", streamed=True),
        Format("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
}
