"""Likely duplicates for a whole batch: one query for the open findings near any of the batch's findings, then
the nearest-first rule of `likely_duplicate`, the batch's own earlier findings included as an item-by-item run
would see them."""

import math
from collections import defaultdict

from django.conf import settings

from geo.geodesy import degrees_for_metres, distance_m
from geo.routing import point_xy, reach
from inspections.models import Finding


def mark_likely_duplicates(findings: list[Finding]) -> None:
    """`likely_duplicate` for each finding in order, as if the ones before it had been saved already: the nearest
    open finding of the same type within the radius, from another inspection; on a tie the older one."""
    if not findings:
        return
    radius = settings.DUPLICATE_FINDING_RADIUS_M
    points = [f.location for f in findings]
    pads = [degrees_for_metres(radius, point_xy(p)[1]) for p in points]
    cell = max(pads)  # a finding's box (its pad each way) lies within the 3 × 3 cells around its own

    def key(x, y):
        return math.floor(x / cell), math.floor(y / cell)

    # Possible matches by (problem type, cell): (x, y, inspection, age, pk). The stored are older than the batch's,
    # which are appended in batch order as they are marked.
    grid: dict[tuple, list[tuple]] = defaultdict(list)
    stored = Finding.objects.filter(
        reach("location", points, radius),
        problem_type_id__in={f.problem_type_id for f in findings},
        is_open=True,
    ).values_list("pk", "problem_type_id", "inspection_id", "location", "created_at")
    for pk, type_id, inspection_id, location, created_at in stored:
        x, y = point_xy(location)
        grid[(type_id, *key(x, y))].append((x, y, inspection_id, (0, created_at.timestamp()), pk))
    for order, (finding, pad) in enumerate(zip(findings, pads, strict=True)):
        x, y = point_xy(finding.location)
        cx, cy = key(x, y)
        matches = []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for ox, oy, inspection_id, age, pk in grid.get((finding.problem_type_id, cx + dx, cy + dy), ()):
                    if inspection_id == finding.inspection_id or not (
                        x - pad <= ox <= x + pad and y - pad <= oy <= y + pad
                    ):
                        continue
                    distance = distance_m(x, y, ox, oy)
                    if distance <= radius:
                        matches.append((distance, age, pk))
        finding.likely_duplicate_of_id = min(matches, key=lambda m: m[:2])[2] if matches else None
        grid[(finding.problem_type_id, cx, cy)].append((x, y, finding.inspection_id, (1, order), finding.pk))
