"""Which unit answers for a point: the routing primitive every finding, task and citizen report goes through.

- `rules`: the rules themselves (`Rule`, `Route`), one point at a time (`route_point`, `resolve_jurisdiction`);
- `candidates`: the one statement `route_point` sends (what the rules weigh for one point);
- `index`: the same rules over an in-memory snapshot, millions of points at once (`RoutingIndex`);
- `shared`: one whole index per process while its rows are unchanged (`shared_routing_index`), where the backend
  can tell that cheaply;
- `bulk`: set-based lookups for a batch's points (deepest jurisdictions, routes, the `reach` prefilter);
- `points`: points packed for those lookups (`wgs84_point`, coordinates and EWKB kept in Python).
"""

from geo.routing.bulk import (
    MAX_REACH_BOXES,
    covering_candidates,
    jurisdiction_ids,
    reach,
    route_points,
    routing_index_near,
)
from geo.routing.index import BulkRoutes, RoutingIndex
from geo.routing.points import clean_wgs84_point, known_ewkb, multipoint, point_coords, point_xy, wgs84_point
from geo.routing.rules import (
    RULE_CODES,
    RULES_BY_CODE,
    Route,
    Rule,
    hotspot_radius_m,
    resolve_jurisdiction,
    routable_hotspots,
    routable_units,
    route_point,
)
from geo.routing.shared import shared_routing_index, shared_routing_lock

__all__ = [
    "MAX_REACH_BOXES",
    "RULES_BY_CODE",
    "RULE_CODES",
    "BulkRoutes",
    "Route",
    "RoutingIndex",
    "Rule",
    "clean_wgs84_point",
    "covering_candidates",
    "hotspot_radius_m",
    "jurisdiction_ids",
    "known_ewkb",
    "multipoint",
    "point_coords",
    "point_xy",
    "reach",
    "resolve_jurisdiction",
    "routable_hotspots",
    "routable_units",
    "route_point",
    "route_points",
    "routing_index_near",
    "shared_routing_index",
    "shared_routing_lock",
    "wgs84_point",
]
