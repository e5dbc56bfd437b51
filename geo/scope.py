"""Where a staff member may place things: inside the boundary of the jurisdiction they are scoped to.

Administrators place anything anywhere; everyone else draws service areas, hotspots and jurisdiction boundaries
inside their own scope (``geo.selectors.scope_root``), give or take ``SCOPE_TOLERANCE_M``.
"""

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.roles import is_admin
from geo.geodesy import local_frame, to_local_metres
from geo.selectors import scope_root
from geo.validation import to_shapely

SCOPE_TOLERANCE_M = 10.0
"""A shape drawn by hand along a border rarely lies exactly on it: it may stray this far over the scope's edge."""


def check_inside_scope(user, geometry: GEOSGeometry) -> None:
    """Raise a ValidationError naming the overshoot unless `geometry` lies inside this person's scope."""
    if is_admin(user):
        return
    root = scope_root(user)
    if root is None:
        raise ValidationError(
            _("You have no jurisdiction assigned, so you cannot place anything; ask an administrator.")
        )
    area = to_shapely(root.boundary)
    frame = local_frame(area)
    area_m = to_local_metres(area, frame)
    shape_m = shapely.make_valid(to_local_metres(to_shapely(geometry), frame))
    outside = shapely.difference(shape_m, area_m.buffer(SCOPE_TOLERANCE_M))
    if outside.is_empty:
        return
    overshoot = max(shapely.distance(shapely.points(shapely.get_coordinates(outside)), area_m))
    raise ValidationError(
        _(
            "The shape reaches %(metres).0f m outside your area, %(scope)s; draw it inside (at most %(tolerance).0f m "
            "over its edge) or ask an administrator."
        )
        % {"metres": overshoot, "scope": root, "tolerance": SCOPE_TOLERANCE_M}
    )
