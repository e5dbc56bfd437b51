"""The scoring scenario the scores and rankings are checked on, built through the real services, and the figures
computed by hand (the README's "Scores and rankings" example is this scenario).

A checklist of three yes/no items that lose 2, 3 and 5 points. Two phases of one campaign: self-inspection
(P1, earlier) and cross inspection (P2). Hotspots (`world`): W1 in the west community (old compound, weight 1,
sponsored by the west committee), W2 in the west (construction site, weight 2, sponsored by the property manager),
the east's stall (old compound, sponsored by the school) and plot (old compound, no sponsor).

P2 (the ranked phase)        failed items    D    score   hotspot score
  W1                          q1              2    98      (98 + 92) / 2 = 95
  W1                          q2, q3          8    92
  W2                          q2              3    97      97
  stall                       q1, q2, q3     10    90      90
  stall (no checklist)        —               —    —       (not scored)
  plot                        —               0   100      100
Communities: west = (1·95 + 2·97) / (1 + 2) = 96.33 (3 inspections, 13 points), east = (90 + 100) / 2 = 95.00
(2 inspections, 10 points). Units: property manager 97, west committee 95, school 90 (the plot has no sponsor).

P1: W1 fails q3 (95); the stall and the plot pass (100). Communities: east 100 (rank 1), west 95 (rank 2); units:
school 100 (1), west committee 95 (2). So in P2 the west moved up one place (+1), the east down one (−1); the
school fell from 1 to 3 (−2), the west committee stayed 2nd (0), the property manager was not ranked in P1.
"""

import datetime as dt
import uuid
from types import SimpleNamespace

from django.contrib.gis.geos import GEOSGeometry
from django.utils import timezone

from geo.models import HotspotCategory
from inspections.evidence.inspections import InspectionInput, inspection_submit
from inspections.models import Campaign, Phase, PhaseKind
from mobile_forms.answers import snapshot
from mobile_forms.models.questions import QuestionType, question
from mobile_forms.services import checklist_get_or_create, version_create
from tests.factories import HotspotFactory

QUESTIONS = [
    question("q1", QuestionType.YES_NO, "无暴露垃圾", label_en="No exposed garbage", deduction=2, required=True),
    question("q2", QuestionType.YES_NO, "无非法小广告", label_en="No illegal small ads", deduction=3, required=True),
    question("q3", QuestionType.YES_NO, "无乱停乱放", label_en="No illegal parking", deduction=5, required=True),
]


def checklist_version():
    category = HotspotCategory.objects.get(code="old_compound")
    checklist, _ = checklist_get_or_create(category=category)
    version, _ = version_create(checklist=checklist, questions=QUESTIONS, title="测评体系", label="test")
    return version


def answers(failed: str) -> dict:
    """Yes to every item except those named in ``failed`` (e.g. "q1 q3")."""
    return {name: name not in failed.split() for name in ("q1", "q2", "q3")}


def build_scoring(world) -> SimpleNamespace:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="测评演练", starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=30)
    )
    p1 = Phase.objects.create(
        campaign=campaign,
        kind=PhaseKind.SELF_INSPECTION,
        starts_on=today - dt.timedelta(days=20),
        ends_on=today - dt.timedelta(days=11),
    )
    p2 = Phase.objects.create(
        campaign=campaign,
        kind=PhaseKind.CROSS_INSPECTION,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=5),
    )
    w1 = HotspotFactory(
        name="西里小区",
        geometry=GEOSGeometry("SRID=4326;POINT(116.212 39.843)"),
        sponsoring_unit=world.west_committee,
    )
    w2 = HotspotFactory(
        name="西侧工地",
        category=HotspotCategory.objects.get(code="construction_site"),
        geometry=GEOSGeometry("SRID=4326;POINT(116.214 39.844)"),
        sponsoring_unit=world.property_manager,
    )
    HotspotCategory.objects.filter(code="construction_site").update(score_weight=2.0)
    version = checklist_version()
    inspector = world.users.inspector

    def inspect(phase, hotspot, failed=None, days_ago=0):
        started = timezone.now() - dt.timedelta(days=days_ago, hours=1)
        scored = failed is not None
        inspection, _ = inspection_submit(
            user=inspector,
            data=InspectionInput(
                id=uuid.uuid4(),
                phase=phase,
                hotspot=hotspot,
                started_at=started,
                answers=snapshot(version, answers(failed)) if scored else {"clean": "no"},
                checklist_version=version.pk if scored else None,
            ),
        )
        return inspection

    inspections = {
        "p1_w1": inspect(p1, w1, "q3", days_ago=15),
        "p1_stall": inspect(p1, world.stall, "", days_ago=15),
        "p1_plot": inspect(p1, world.plot, "", days_ago=14),
        "w1_a": inspect(p2, w1, "q1"),
        "w1_b": inspect(p2, w1, "q2 q3"),
        "w2": inspect(p2, w2, "q2"),
        "stall": inspect(p2, world.stall, "q1 q2 q3"),
        "stall_free": inspect(p2, world.stall, None),
        "plot": inspect(p2, world.plot, ""),
    }
    return SimpleNamespace(p1=p1, p2=p2, w1=w1, w2=w2, version=version, inspections=inspections)
