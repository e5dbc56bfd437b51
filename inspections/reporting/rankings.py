"""Rankings (排名) of communities and units per campaign phase, with the movement since the previous phase, and the
red and black lists (红榜 / 黑榜).

The scores are those of `inspections.reporting.scores`, rounded to 2 decimals; a higher score ranks higher, equal
scores share a rank (1, 2, 2, 4) and are listed by name. Only communities or units with a scored inspection in the
phase are ranked. The previous phase is the one of the same campaign that starts last before this one;
`previous_rank` is the group's rank there (None when it was not ranked then), and `movement` =
previous_rank − rank (positive: moved up).

A ``RankingFilter`` narrows a ranking to some hotspots, in both phases alike (the movement compares like with like):
``community`` (a jurisdiction: its subtree's hotspots, so a subdistrict ranks its communities, a community ranks
itself, and the units are ranked on their hotspots there), ``category`` (a hotspot category: scores on hotspots of
that category only) and ``unit`` (a unit: the community ranking on the hotspots that unit sponsors; the unit
ranking is not narrowed by it, since one unit ranked alone says nothing: the dashboard marks the unit's row). A
finding's problem type narrows no ranking: the scores come from the checklists' deductions, not from findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from inspections.models import Phase
from inspections.reporting.scores import CommunityIndex, GroupScore, Level, group_scores, hotspot_scores

SCORE_DECIMALS = 2


@dataclass(frozen=True)
class RankRow:
    rank: int
    key: int
    name: str
    score: float | None
    inspections: int
    deductions: float
    previous_rank: int | None
    movement: int | None


@dataclass(frozen=True)
class RankingFilter:
    """The hotspots a ranking covers (see the module's docstring); None: not narrowed by that."""

    community_code: str | None = None  # a jurisdiction's code: the hotspots in its subtree
    category: str | None = None  # a hotspot category's code
    unit: int | None = None  # a sponsoring unit's id (narrows the community ranking only)

    def inspections_q(self, level: Level) -> Q:
        """The scored inspections ``level``'s ranking counts, as a Q on inspections."""
        q = Q()
        if self.community_code is not None:
            q &= Q(hotspot__jurisdiction__code__startswith=self.community_code)
        if self.category is not None:
            q &= Q(hotspot__category__code=self.category)
        if self.unit is not None and level == "community":
            q &= Q(hotspot__sponsoring_unit_id=self.unit)
        return q


EVERY_HOTSPOT = RankingFilter()


def previous_phase(phase: Phase) -> Phase | None:
    """The phase of the same campaign that starts last before ``phase``."""
    return (
        Phase.objects.filter(campaign_id=phase.campaign_id, starts_on__lt=phase.starts_on)
        .order_by("-starts_on", "-pk")
        .first()
    )


def _ranked(groups: list[GroupScore]) -> list[tuple[int, GroupScore, float]]:
    scored = [(round(g.score, SCORE_DECIMALS), g) for g in groups if g.score is not None]
    scored.sort(key=lambda pair: (-pair[0], pair[1].name, pair[1].key))
    ranked, rank, last = [], 0, None
    for position, (score, group) in enumerate(scored, start=1):
        if score != last:
            rank, last = position, score
        ranked.append((rank, group, score))
    return ranked


def ranking(*, user, phase: Phase, level: Level, within: RankingFilter = EVERY_HOTSPOT) -> list[RankRow]:
    """The ranking of ``level`` ("community" or "unit") in ``phase`` over the hotspots in ``user``'s scope that
    ``within`` covers."""
    previous = previous_phase(phase)
    phases = [phase] if previous is None else [phase, previous]
    rows = hotspot_scores(user=user, phases=phases, filters=within.inspections_q(level))
    communities = CommunityIndex() if level == "community" else None
    current = group_scores([r for r in rows if r.phase_id == phase.pk], level, communities=communities)
    before: dict[int, int] = {}
    if previous is not None:
        earlier = group_scores([r for r in rows if r.phase_id == previous.pk], level, communities=communities)
        before = {group.key: rank for rank, group, _score in _ranked(earlier)}
    result = []
    for rank, group, score in _ranked(current):
        previous_rank = before.get(group.key)
        result.append(
            RankRow(
                rank=rank,
                key=group.key,
                name=group.name,
                score=score,
                inspections=group.inspections,
                deductions=group.deductions,
                previous_rank=previous_rank,
                movement=None if previous_rank is None else previous_rank - rank,
            )
        )
    return result


def red_and_black(rows: list[RankRow], n: int) -> tuple[list[RankRow], list[RankRow]]:
    """The red list (the best ``n``, best first) and the black list (the worst ``n``, worst first) of a ranking.

    A group is on one list at most: with fewer than 2n ranked groups the black list has the rest. Rows without a
    score are on neither.
    """
    scored = [row for row in rows if row.score is not None]
    n = max(n, 0)
    red = scored[:n]
    black = list(reversed(scored[len(red) :]))[:n]
    return red, black
