"""Where a rectification counts as on site: the task's geofence.

The geofence is the hotspot's outline (when the hotspot is an area) together with a circle of
``TASK_GEOFENCE_RADIUS_M`` (default 50 m) around the finding: a fix photographed anywhere on the compound, or close
to the problem itself, is on site.
"""

from django.conf import settings
from django.contrib.gis.geos import Point

from geo.geodesy import distance_m, distance_to_shape_m
from geo.validation import to_shapely


def geofence_radius_m() -> float:
    return float(settings.TASK_GEOFENCE_RADIUS_M)


def metres_outside(task, point: Point) -> float:
    """How far the point lies outside the task's geofence, in metres; 0 inside or on its edge."""
    finding = task.location
    outside = max(0.0, distance_m(point.x, point.y, finding.x, finding.y) - geofence_radius_m())
    hotspot = task.hotspot
    if outside and hotspot is not None and hotspot.geometry.geom_type != "Point":
        outside = min(outside, distance_to_shape_m(point.x, point.y, to_shapely(hotspot.geometry)))
    return outside


def photo_position(photo) -> Point | None:
    """Where an after-photo was taken: its own GPS, else the device's position at capture."""
    return photo.file.exif_point or photo.device_position
