"""The ranking of a phase as one hand-written GROUP BY statement (portable: PostgreSQL and SQLite), the baseline of
`ranking_phase` and what the tests compare `inspections.reporting.rankings.ranking` with.

Same method as `inspections.reporting.scores`: an inspection scores max(0, 100 − deduction); a hotspot the mean of
its inspections in the phase; a community or unit the mean of its hotspots weighted by the category's score weight;
ranks on the score rounded to 2 decimals, equal scores sharing a rank; the previous phase's rank beside it.
The dashboard's filters narrow the hotspots in both phases: a jurisdiction's subtree (``community_code``), a
category, and a sponsoring unit (for the community ranking only; the unit ranking is not narrowed by it).
"""

from django.db import connection

from geo.models import COMMUNITY_LEVEL

GROUPS = {
    "community": (
        "JOIN geo_jurisdiction j ON j.id = h.jurisdiction_id "
        "JOIN geo_jurisdiction grp ON grp.level = %(community_level)s AND j.code LIKE grp.code || '%%'"
    ),
    "unit": "JOIN geo_jurisdiction j ON j.id = h.jurisdiction_id JOIN geo_unit grp ON grp.id = h.sponsoring_unit_id",
}

SQL = """
WITH hotspot_scores AS (
    SELECT i.phase_id, i.hotspot_id,
           AVG(CASE WHEN 100.0 - i.deduction > 0 THEN 100.0 - i.deduction ELSE 0.0 END) AS score,
           COUNT(*) AS inspections, SUM(i.deduction) AS deductions
    FROM inspections_inspection i
    WHERE i.phase_id IN (%(phase)s, %(previous)s) AND i.hotspot_id IS NOT NULL AND i.deduction IS NOT NULL
    GROUP BY i.phase_id, i.hotspot_id
), group_scores AS (
    SELECT s.phase_id, grp.id AS key,
           ROUND(CAST(SUM(c.score_weight * s.score) / SUM(c.score_weight) AS NUMERIC), 2) AS score,
           SUM(s.inspections) AS inspections, SUM(s.deductions) AS deductions
    FROM hotspot_scores s
    JOIN geo_hotspot h ON h.id = s.hotspot_id
    JOIN geo_hotspotcategory c ON c.id = h.category_id
    {group_join}
    WHERE j.code LIKE %(scope)s AND j.code LIKE %(within)s{narrowing}
    GROUP BY s.phase_id, grp.id
), ranked AS (
    SELECT g.*, RANK() OVER (PARTITION BY g.phase_id ORDER BY g.score DESC) AS rnk FROM group_scores g
)
SELECT cur.key, cur.rnk, cur.score, cur.inspections, cur.deductions, prev.rnk
FROM ranked cur LEFT JOIN ranked prev ON prev.key = cur.key AND prev.phase_id = %(previous)s
WHERE cur.phase_id = %(phase)s
ORDER BY cur.rnk, cur.key
"""


def ranking_sql(
    *,
    phase_id: int,
    previous_id: int | None,
    level: str,
    scope_code: str = "",
    community_code: str = "",
    category: str | None = None,
    unit: int | None = None,
) -> list[tuple]:
    """(key, rank, score, inspections, deductions, previous rank) per ranked group; ``scope_code``: only hotspots
    whose jurisdiction code starts with it (empty: all); ``community_code``, ``category`` (a category's code) and
    ``unit`` (a sponsoring unit's id): the dashboard's filters."""
    narrowing = ""
    if category is not None:
        narrowing += " AND c.code = %(category)s"
    if unit is not None and level == "community":
        narrowing += " AND h.sponsoring_unit_id = %(unit)s"
    sql = SQL.format(group_join=GROUPS[level], narrowing=narrowing)
    params = {
        "phase": phase_id,
        "previous": previous_id if previous_id is not None else -1,
        "community_level": COMMUNITY_LEVEL,
        "scope": f"{scope_code}%",
        "within": f"{community_code}%",
        "category": category,
        "unit": unit,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (key, int(rank), float(score), int(n), round(float(d), 2), None if prev is None else int(prev))
            for key, rank, score, n, d, prev in cursor.fetchall()
        ]
