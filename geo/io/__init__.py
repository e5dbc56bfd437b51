"""GIS import of places (hotspots, jurisdictions, units' service areas) from GeoPackage, zipped Shapefile, GeoJSON,
KML/KMZ and CSV, through geopandas and pyogrio.

- ``limits``: the bounds on an upload (size, the zip bomb guard);
- ``readers``: a file → a GeoDataFrame (the format from the name, the shapefile zip's parts checked);
- ``crs``: the source reference system → WGS84 (EPSG:4326), refused when the file has none and none is named;
- ``mapping``: what each target takes, and which column feeds which field;
- ``repair``: invalid shapes repaired where that is unambiguous, refused otherwise;
- ``preview``: the dry run, row by row (create, update, refuse and why);
- ``apply``: the import itself, in one transaction;
- ``bulk``: the COPY path for very large hotspot files on PostGIS.
"""

from geo.io.apply import import_apply
from geo.io.errors import ImportRefused
from geo.io.preview import ImportPlan, import_preview

__all__ = ["ImportPlan", "ImportRefused", "import_apply", "import_preview"]
