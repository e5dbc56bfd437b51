"""Real GIS files for the import tests, written with pyogrio (GDAL)."""

import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

# Points in the test world: the west community (116.20–116.22 E) and the east one (116.22–116.24 E).
WEST = shapely.Point(116.212, 39.846)
EAST = shapely.Point(116.231, 39.846)


def hotspots_frame(crs="EPSG:4326", rows=None) -> gpd.GeoDataFrame:
    rows = rows or [
        {"external_id": "H-1", "name": "西门市场", "category": "farmers_market", "geometry": WEST.buffer(0.0005)},
        {"external_id": "H-2", "name": "东侧工地", "category": "construction_site", "geometry": EAST.buffer(0.001)},
    ]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    return frame.to_crs(crs) if crs else frame.set_crs(None, allow_override=True)


def write(frame: gpd.GeoDataFrame, folder: Path, kind: str) -> Path:
    if kind == "gpkg":
        path = folder / "places.gpkg"
        pyogrio.write_dataframe(frame, path, driver="GPKG")
    elif kind == "geojson":
        path = folder / "places.geojson"
        pyogrio.write_dataframe(frame.to_crs(4326), path, driver="GeoJSON")
    elif kind == "kml":
        path = folder / "places.kml"
        pyogrio.write_dataframe(frame.to_crs(4326), path, driver="KML")
    elif kind == "kmz":
        kml = write(frame, folder, "kml")
        path = folder / "places.kmz"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(kml, "doc.kml")
    elif kind == "shapefile":
        return zipped_shapefile(frame, folder)
    elif kind == "csv":
        path = folder / "places.csv"
        table = frame.drop(columns="geometry").copy()
        table["wkt"] = frame.geometry.to_wkt()
        table.to_csv(path, index=False)
    else:
        raise ValueError(kind)
    return path


def zipped_shapefile(frame, folder: Path, leave_out: tuple[str, ...] = ()) -> Path:
    shp = folder / "shape" / "places.shp"
    shp.parent.mkdir(exist_ok=True)
    pyogrio.write_dataframe(frame, shp, driver="ESRI Shapefile", encoding="UTF-8")
    path = folder / "places.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in shp.parent.iterdir():
            if part.suffix not in leave_out:
                archive.write(part, part.name)
    return path
