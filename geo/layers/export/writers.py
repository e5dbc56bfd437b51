"""A layer's rows (already scoped and filtered) written out chunk by chunk: GeoPackage with pyogrio appending each
chunk; Shapefile (zip) and KML converted from that GeoPackage by GDAL's ogr2ogr, which streams too; GeoJSON and CSV
streamed to the response; XLSX as a 台账 ledger in openpyxl's write-only mode. Memory stays flat as rows grow."""

import csv
import io
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyogrio
import shapely
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.layers.export.labels import label
from geo.layers.export.rows import ID, chunks, column_kinds, frame, frames
from geo.layers.geojson import feature_query, stream_collection
from geo.layers.registry import PROPERTY_PREFIX, Layer

Progress = Callable[[int], None] | None  # rows written so far
NO_LIMIT = 2**62


def write_gpkg(layer: Layer, rows: QuerySet, path: Path, progress: Progress = None) -> dict[str, int]:
    """The rows as one GeoPackage layer named like the map layer; the number of features of each geometry type."""
    types: dict[str, int] = {}
    written = 0
    for chunk in frames(layer, rows):
        pyogrio.write_dataframe(
            chunk, path, layer=layer.name, driver="GPKG", append=written > 0, geometry_type="Unknown"
        )
        for kind, count in chunk.geometry.geom_type.value_counts().items():
            types[kind] = types.get(kind, 0) + int(count)
        written += len(chunk)
        if progress:
            progress(written)
    if not written:  # an empty layer is still a layer, with its columns
        kinds = column_kinds(layer, rows)
        empty = frame(layer, [], kinds)
        pyogrio.write_dataframe(empty, path, layer=layer.name, driver="GPKG", geometry_type="Unknown")
    return types


def _ogr2ogr(*args: str) -> None:
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True, timeout=3600)


SHAPE_TYPES = {"Point": "POINT", "Polygon": "POLYGON", "MultiPolygon": "POLYGON", "LineString": "LINESTRING"}


def write_shapefile_zip(layer: Layer, rows: QuerySet, path: Path, progress: Progress = None) -> None:
    """One shapefile per kind of geometry (a shapefile holds one: hotspots are points and outlines), zipped."""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "rows.gpkg"
        types = write_gpkg(layer, rows, source, progress)
        kinds = sorted({SHAPE_TYPES.get(kind, kind.upper()) for kind in types}) or ["POINT"]
        out = Path(work) / "out"
        out.mkdir()
        for kind in kinds:
            name = layer.name if len(kinds) == 1 else f"{layer.name}_{kind.lower()}"
            where = ["-where", f"ST_GeometryType(geom) LIKE '%{kind}'"] if len(kinds) > 1 else []
            _ogr2ogr("-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-nln", name, *where, str(out), str(source))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(out.iterdir()):
                archive.write(part, part.name)


def write_kml(layer: Layer, rows: QuerySet, path: Path, progress: Progress = None) -> None:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "rows.gpkg"
        write_gpkg(layer, rows, source, progress)
        _ogr2ogr("-f", "KML", "-dsco", "NameField=name", str(path), str(source))


def _local(value):
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def write_xlsx(layer: Layer, rows: QuerySet, path: Path, progress: Progress = None, *, note: str = "") -> None:
    """The 台账 ledger: a title row, who and when, then a header row of labels (Chinese in zh-hans) and one row per
    feature: serial number, id, its properties, and the longitude and latitude of a point on it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(layer.label)[:31])
    title = WriteOnlyCell(sheet, value=_("%(layer)s ledger") % {"layer": layer.label})
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([_("Exported %(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")} + note])
    names = list(layer.properties())
    header = []
    for name in ["serial", ID, *names, "longitude", "latitude"]:
        cell = WriteOnlyCell(sheet, value=label(name))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    written = 0
    for batch in chunks(layer, rows):
        anchors = shapely.point_on_surface(
            shapely.from_wkb([bytes(row[layer.geometry].ewkb) if row[layer.geometry] else None for row in batch])
        )
        for row, anchor in zip(batch, anchors, strict=True):
            written += 1
            values = [_local(row[PROPERTY_PREFIX + name]) for name in names]
            values = [
                str(v) if v is not None and not isinstance(v, int | float | bool) and not hasattr(v, "year") else v
                for v in values
            ]
            xy = [round(anchor.x, 7), round(anchor.y, 7)] if anchor is not None else [None, None]
            sheet.append([written, str(row["pk"]), *values, *xy])
        if progress:
            progress(written)
    book.save(path)


def stream_csv(layer: Layer, rows: QuerySet, progress: Progress = None) -> Iterator[bytes]:
    """id, the properties (by name: the file can be imported again) and the geometry as WKT; UTF-8 with a BOM so
    that Excel reads the Chinese."""
    names = list(layer.properties())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([ID, *names, "wkt"])
    yield ("\ufeff" + buffer.getvalue()).encode()
    written = 0
    for batch in chunks(layer, rows):
        buffer.seek(0)
        buffer.truncate()
        for row in batch:
            geometry = row[layer.geometry]
            values = [row[PROPERTY_PREFIX + name] for name in names]
            writer.writerow([row["pk"], *["" if v is None else v for v in values], geometry.wkt if geometry else ""])
        yield buffer.getvalue().encode()
        written += len(batch)
        if progress:
            progress(written)


def stream_geojson(layer: Layer, rows: QuerySet, progress: Progress = None) -> Iterator[bytes]:
    """The GeoJSON endpoint's own statement without its limit: the database writes each feature."""
    return stream_collection(feature_query(layer, rows, limit=NO_LIMIT), progress)


FILE_WRITERS = {"gpkg": write_gpkg, "shp": write_shapefile_zip, "kml": write_kml, "xlsx": write_xlsx}
STREAMS = {"csv": stream_csv, "geojson": stream_geojson}


def export_file(layer: Layer, rows: QuerySet, format_name: str, path: Path, progress: Progress = None) -> None:
    """Any format to a file at ``path`` (the streamed ones too: the command line writes them this way)."""
    if format_name in STREAMS:
        with open(path, "wb") as out:
            for piece in STREAMS[format_name](layer, rows, progress):
                out.write(piece)
        return
    FILE_WRITERS[format_name](layer, rows, path, progress)
