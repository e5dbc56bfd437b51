"""Checklist scores (测评得分): per inspection, per hotspot and phase, and per community or unit.

**Inspection.** An inspection made with a checklist version stores its answers as a snapshot in which each answered
item carries the points it lost (`deduction`: the item's deduction when a yes/no item is answered "no" or a failing
option is chosen, else 0; `mobile_forms.answers`). Its deduction D is the sum over the snapshot, stored with the
inspection when it is received (`Inspection.deduction`, derived by `inspections.models.answers_deduction`, so it is
reproducible from the stored answers: `manage.py check_scores`). Its score is ``max(0, 100 − D)``. Inspections
without a checklist version (free answers) and free-location inspections (no hotspot) are not scored.

**Hotspot, per phase.** The mean of the scores of its scored inspections in the phase.

**Community or unit, per phase.** The mean of its hotspots' scores weighted by their category's `score_weight`
(`HotspotCategory.score_weight`, default 1, set by administrators in the admin):
``Σ w·s / Σ w`` over its hotspots inspected in the phase. A hotspot counts for the community (社区/村) whose
subtree holds the hotspot's jurisdiction, and for its sponsoring unit (包保单位); hotspots outside every community,
or without a sponsoring unit, are left out of that level. Alongside: the number of scored inspections and the
points they lost in total.

Scope: the hotspots a person's scores cover are those in their jurisdiction's subtree (administrators: all; a
unit's members: none). The heavy part, one row per hotspot and phase out of the inspections, is one GROUP BY in
the database; the groups are formed from those rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest

from accounts.roles import is_admin, is_rectifier
from geo.models import COMMUNITY_LEVEL, Hotspot, Jurisdiction, Unit
from geo.selectors import scope_root
from inspections.models import Inspection, Phase, answers_deduction

FULL_SCORE = 100.0
Level = Literal["community", "unit"]
LEVELS: tuple[str, ...] = ("community", "unit")


def inspection_score(deduction: float) -> float:
    """The score of an inspection that lost ``deduction`` points."""
    return max(0.0, FULL_SCORE - deduction)


def scored_inspections(user) -> QuerySet[Inspection]:
    """The scored inspections of hotspots in this person's scope."""
    qs = Inspection.objects.filter(hotspot__isnull=False, deduction__isnull=False)
    if is_admin(user):
        return qs
    root = scope_root(user) if user.is_authenticated and not is_rectifier(user) else None
    if root is None:
        return qs.none()
    return qs.filter(hotspot__in=Hotspot.objects.filter(root.subtree_q("jurisdiction__")).values("pk"))


@dataclass(frozen=True)
class HotspotScore:
    phase_id: int
    hotspot_id: int
    name: str
    category_id: int
    weight: float
    jurisdiction_code: str
    unit_id: int | None
    score: float
    inspections: int
    deductions: float


def hotspot_scores(
    *, user, phases: Iterable[Phase], filters: Q | None = None, inspections: QuerySet[Inspection] | None = None
) -> list[HotspotScore]:
    """One row per hotspot and phase with a scored inspection; ``filters`` narrow the inspections (a Q on them)."""
    qs = scored_inspections(user) if inspections is None else inspections
    qs = qs.filter(phase__in=[phase.pk for phase in phases])
    if filters is not None:
        qs = qs.filter(filters)
    score = Greatest(Value(0.0), Value(FULL_SCORE) - F("deduction"), output_field=FloatField())
    grouped = list(
        qs.order_by()
        .values("phase_id", "hotspot_id")
        .annotate(score=Avg(score), inspections=Count("pk"), deductions=Sum("deduction"))
    )
    hotspots = {
        row["pk"]: row
        for row in Hotspot.objects.filter(pk__in={row["hotspot_id"] for row in grouped}).values(
            "pk", "name", "category_id", "category__score_weight", "jurisdiction__code", "sponsoring_unit_id"
        )
    }
    rows = []
    for row in grouped:
        hotspot = hotspots[row["hotspot_id"]]
        rows.append(
            HotspotScore(
                phase_id=row["phase_id"],
                hotspot_id=row["hotspot_id"],
                name=hotspot["name"],
                category_id=hotspot["category_id"],
                weight=hotspot["category__score_weight"],
                jurisdiction_code=hotspot["jurisdiction__code"],
                unit_id=hotspot["sponsoring_unit_id"],
                score=float(row["score"]),
                inspections=row["inspections"],
                deductions=round(float(row["deductions"] or 0.0), 2),
            )
        )
    rows.sort(key=lambda r: (r.phase_id, r.name, r.hotspot_id))
    return rows


@dataclass(frozen=True)
class GroupScore:
    key: int
    name: str
    score: float | None
    hotspots: int
    inspections: int
    deductions: float


class CommunityIndex:
    """The communities (社区/村), found from a jurisdiction code by its prefix."""

    def __init__(self):
        self.by_code = {
            c.code: c for c in Jurisdiction.objects.filter(level=COMMUNITY_LEVEL).only("pk", "code", "name", "name_en")
        }
        self.lengths = sorted({len(code) for code in self.by_code})

    def community_of(self, code: str) -> Jurisdiction | None:
        for length in self.lengths:
            community = self.by_code.get(code[:length])
            if community is not None:
                return community
        return None


def group_scores(rows: Iterable[HotspotScore], level: Level, *, communities: CommunityIndex | None = None):
    """The weighted scores of the communities or units that ``rows`` (one phase's hotspot scores) fall in."""
    if level not in LEVELS:
        raise ValueError(f"Unknown level {level!r}.")
    sums: dict[int, list[float]] = {}
    if level == "community":
        communities = communities or CommunityIndex()
        names: dict[int, str] = {}
        for row in rows:
            community = communities.community_of(row.jurisdiction_code)
            if community is None:
                continue
            names[community.pk] = community.display_name
            _add(sums, community.pk, row)
    else:
        for row in rows:
            if row.unit_id is not None:
                _add(sums, row.unit_id, row)
        names = {unit.pk: unit.display_name for unit in Unit.objects.filter(pk__in=list(sums)).only("name", "name_en")}
    return [
        GroupScore(
            key=key,
            name=names[key],
            score=weighted / weights if weights else None,
            hotspots=int(hotspots),
            inspections=int(inspections),
            deductions=round(deductions, 2),
        )
        for key, (weighted, weights, hotspots, inspections, deductions) in sums.items()
    ]


def _add(sums: dict[int, list[float]], key: int, row: HotspotScore) -> None:
    acc = sums.setdefault(key, [0.0, 0.0, 0, 0, 0.0])
    acc[0] += row.weight * row.score
    acc[1] += row.weight
    acc[2] += 1
    acc[3] += row.inspections
    acc[4] += row.deductions


def deduction_mismatches(inspections: QuerySet[Inspection] | None = None, *, chunk_size: int = 2000):
    """(id, stored, derived) for every inspection whose stored deduction is not what its stored answers give."""
    qs = Inspection.objects.all() if inspections is None else inspections
    for pk, answers, stored in qs.order_by().values_list("pk", "answers", "deduction").iterator(chunk_size):
        derived = answers_deduction(answers)
        if derived != stored:
            yield pk, stored, derived
