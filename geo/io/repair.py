"""Shapes as the target takes them: an invalid polygon is repaired where the repair is unambiguous (``make_valid``
keeps a polygonal shape of non-zero area: a bow-tie becomes two triangles, a self-touching ring two rings) and
reported; anything else is refused with the reason."""

from dataclasses import dataclass

import numpy as np
import shapely
from django.utils.translation import gettext as _

POLYGONAL = ("Polygon", "MultiPolygon")


class RowProblem(ValueError):
    pass


@dataclass(frozen=True)
class Cleaned:
    geometry: shapely.Geometry
    repaired: str = ""  # what was wrong, when the shape was repaired


def clean_shape(shape, *, allowed: tuple[str, ...]) -> Cleaned:
    """``shape`` (in WGS84) as one of the ``allowed`` types, repaired if need be; RowProblem otherwise."""
    if shape is None or shapely.is_empty(shape):
        raise RowProblem(_("the feature has no geometry"))
    shape = shapely.force_2d(shape)
    kind = shape.geom_type
    if kind == "MultiPoint" and len(shape.geoms) == 1 and "Point" in allowed:
        shape, kind = shape.geoms[0], "Point"
    if kind not in allowed and not (kind in POLYGONAL and set(POLYGONAL) & set(allowed)):
        raise RowProblem(
            _("a %(type)s cannot be imported here (expected: %(allowed)s)")
            % {"type": kind, "allowed": ", ".join(allowed)}
        )
    coords = shapely.get_coordinates(shape)
    if not np.isfinite(coords).all():
        raise RowProblem(_("the coordinates are not finite numbers"))
    if coords[:, 0].min() < -180 or coords[:, 0].max() > 180 or coords[:, 1].min() < -90 or coords[:, 1].max() > 90:
        raise RowProblem(
            _("the coordinates (%(x).6f, %(y).6f) are outside longitude −180…180, latitude −90…90")
            % {"x": coords[0, 0], "y": coords[0, 1]}
        )
    repaired = ""
    if kind in POLYGONAL and not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        fixed = shapely.make_valid(shape)
        if fixed.geom_type not in POLYGONAL or fixed.area == 0:
            raise RowProblem(
                _("the polygon is invalid (%(reason)s) and cannot be repaired unambiguously") % {"reason": reason}
            )
        shape, repaired = fixed, reason
    if shape.geom_type == "MultiPolygon" and "MultiPolygon" not in allowed and len(shape.geoms) == 1:
        shape = shape.geoms[0]
    if shape.geom_type == "Polygon" and "Polygon" not in allowed:
        shape = shapely.MultiPolygon([shape])
    if shape.geom_type in POLYGONAL:
        shape = shapely.orient_polygons(shape, exterior_cw=False)
    return Cleaned(shape, repaired)
