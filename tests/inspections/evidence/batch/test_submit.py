"""The batch services store exactly what the single-item services store item by item, with the same refusals."""

import datetime as dt
import random
import uuid

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from geo.models import Hotspot
from inspections.errors import Conflict
from inspections.evidence.batch import (
    FindingItem,
    Status,
    finding_add,
    findings_submit_batch,
    inspections_submit_batch,
)
from inspections.evidence.inspections import FindingInput, InspectionInput, inspection_submit
from inspections.models import Finding, Inspection, ProblemType

pytestmark = pytest.mark.django_db

CODES = ["street_vending", "illegal_ads", "exposed_garbage"]


def message(exc) -> object:
    if isinstance(exc, ValidationError):
        return exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    if isinstance(exc, Conflict):
        return exc.message
    return str(exc)


def one_by_one(call, items) -> list[tuple[str, object]]:
    outcomes = []
    for item in items:
        try:
            with transaction.atomic():
                _, created = call(item)
        except (ValidationError, Conflict, PermissionDenied) as exc:
            outcomes.append(("refused", message(exc)))
        else:
            outcomes.append(("created" if created else "existing", None))
    return outcomes


def batch_outcomes(results) -> list[tuple[str, object]]:
    return [(r.status.value, message(r.error) if r.error else None) for r in results]


def stored_rows(inspection_ids) -> tuple[list[dict], list[dict]]:
    inspections = Inspection.objects.filter(pk__in=inspection_ids).order_by("pk").values()
    findings = Finding.objects.filter(inspection_id__in=inspection_ids).order_by("pk").values()
    return (
        [{k: v for k, v in row.items() if k != "received_at"} for row in inspections],
        [{k: v for k, v in row.items() if k != "created_at"} for row in findings],
    )


def forget(inspection_ids) -> None:
    Finding.objects.filter(inspection_id__in=inspection_ids).delete()
    Inspection.objects.filter(pk__in=inspection_ids).delete()


def finding(rng, near: tuple[float, float] | None, codes=CODES, *, at_hotspot: bool = False) -> FindingInput:
    location = None
    if near is not None and rng.random() < 0.8:
        x, y = near
        match rng.randrange(6):
            case 0 if at_hotspot:
                # 0.00236° east: 202 m from the stall (over FINDING_MAX_DISTANCE_FROM_HOTSPOT_M), 74 m from the plot.
                location = Point(x + 0.00236, y, srid=4326)
            case 0:
                location = Point(116.22, y, srid=4326)  # on the border of two communities
            case 1 if not at_hotspot or abs(y - 39.851) < 0.002:
                location = Point(x, 39.851, srid=4326)  # on the edge of the squad's corridor
            case 2 if not at_hotspot or (x, y) == (116.23, 39.845):
                location = Point(116.230, 39.845, srid=4326)  # right on the stall
            case _:
                location = Point(x + rng.uniform(-8e-4, 8e-4), y + rng.uniform(-8e-4, 8e-4), srid=4326)
    problem = ProblemType.objects.get(code=rng.choice(codes))
    severity = rng.choice(["", "minor", "severe"])
    return FindingInput(id=uuid.uuid4(), problem_type=problem, severity=severity, description="", location=location)


def random_items(rng, world, phase, count: int) -> list[InspectionInput]:
    now = timezone.now()
    hotspots = [world.stall, world.plot]
    items: list[InspectionInput] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.08 and items:
            items.append(rng.choice(items))  # the same item again in the batch
            continue
        hotspot = rng.choice(hotspots) if roll < 0.35 else None
        x, y = rng.uniform(116.195, 116.245), rng.uniform(39.835, 39.865)  # a little of it outside the district
        location = None if hotspot else Point(x, y, srid=4326)
        anchor = (116.23, 39.845) if hotspot == world.stall else (116.2265, 39.849) if hotspot else (x, y)
        findings = [finding(rng, anchor, at_hotspot=bool(hotspot)) for _ in range(rng.choice([0, 1, 1, 2, 3]))]
        if rng.random() < 0.05 and items and items[-1].findings:
            findings.append(items[-1].findings[0])  # a finding id another item already uses
        started = now - dt.timedelta(days=30 if rng.random() < 0.05 else 0, minutes=rng.randrange(1, 300))
        items.append(
            InspectionInput(
                id=uuid.uuid4(),
                phase=phase,
                started_at=started,
                hotspot=hotspot,
                ended_at=started + dt.timedelta(minutes=20) if rng.random() < 0.9 else started - dt.timedelta(1),
                location=location,
                position=Point(anchor[0] + 1e-4, anchor[1], srid=4326) if rng.random() < 0.7 else None,
                accuracy_m=rng.choice([None, 5.0, 12.5]),
                answers={"clean": rng.choice(["yes", "no"])},
                findings=findings,
            )
        )
    return items


@pytest.fixture
def stored_before(world, phase):
    """Open findings stored before the batch (likely duplicates for it), and an inspection of another person."""
    rng = random.Random(7)
    items = random_items(rng, world, phase, 12)
    one_by_one(lambda data: inspection_submit(user=world.users.manager, data=data), items)
    return Inspection.objects.filter(inspector=world.users.manager).first()


@pytest.mark.parametrize(("seed", "who"), [(1, "inspector"), (2, "inspector"), (3, "west_manager"), (4, "admin")])
def test_a_batch_stores_exactly_what_inspection_submit_stores_item_by_item(world, phase, stored_before, seed, who):
    user = getattr(world.users, who)
    rng = random.Random(seed)
    items = random_items(rng, world, phase, 100)  # more than the rules refuse, so plenty are stored
    theirs = InspectionInput(id=stored_before.pk, phase=phase, started_at=timezone.now(), location=Point(116.21, 39.85))
    items.insert(5, theirs)
    ids = {item.id for item in items} - {stored_before.pk}

    expected = one_by_one(lambda data: inspection_submit(user=user, data=data), items)
    expected_rows = stored_rows(ids)
    forget(ids)
    got = batch_outcomes(inspections_submit_batch(user=user, items=items))

    assert got == expected
    assert stored_rows(ids) == expected_rows
    statuses = {status for status, _ in got}
    assert {"created", "refused"} <= statuses  # and "existing" for the repeats of stored items
    routed = {row["routing_rule"] for row in expected_rows[1]}
    assert len(expected_rows[1]) > 20
    if who == "west_manager":
        # Every hotspot lies in the east community, outside his area: none of his findings may be placed there.
        assert {row["jurisdiction_id"] for row in expected_rows[1]} <= {world.west.pk, world.cell.pk}
        assert "service_area" in routed
    else:
        assert {"hotspot", "service_area"} <= routed
    if who == "inspector":
        assert any(row["likely_duplicate_of_id"] for row in expected_rows[1])


def test_a_replayed_batch_answers_existing_and_stores_nothing(world, phase, inspection_payload):
    items = random_items(random.Random(11), world, phase, 30)
    first = inspections_submit_batch(user=world.users.inspector, items=items)
    before = stored_rows({item.id for item in items})
    again = inspections_submit_batch(user=world.users.inspector, items=list(reversed(items)))
    assert stored_rows({item.id for item in items}) == before
    created = {r.id for r in first if r.status == Status.CREATED}
    assert {r.id for r in again if r.status == Status.EXISTING} == created
    assert all(not r.differences for r in again if r.status == Status.EXISTING)


def test_an_edited_version_is_existing_with_its_differences(world, phase):
    stored = random_items(random.Random(3), world, phase, 1)[0]
    stored = InspectionInput(**{**stored.__dict__, "hotspot": world.stall, "location": None, "findings": []})
    problem = ProblemType.objects.get(code="illegal_ads")
    with_finding = InspectionInput(
        **{**stored.__dict__, "findings": [FindingInput(id=uuid.uuid4(), problem_type=problem, description="a")]}
    )
    (result,) = inspections_submit_batch(user=world.users.inspector, items=[with_finding])
    assert result.status == Status.CREATED
    edited = InspectionInput(
        **{
            **with_finding.__dict__,
            "location": Point(116.2301, 39.8451, srid=4326),
            "position": None,
            "accuracy_m": 3.0,
            "findings": [
                FindingInput(id=with_finding.findings[0].id, problem_type=problem, severity="severe", description="b"),
                FindingInput(id=uuid.uuid4(), problem_type=problem),
            ],
        }
    )
    (result,) = inspections_submit_batch(user=world.users.inspector, items=[edited])
    assert result.status == Status.EXISTING
    # The finding only this version has is added (its own observation); the rest stays a difference.
    expected = ("location", "position", "findings[0].severity", "findings[0].description")
    assert (result.differences, result.findings_added) == (expected, 1)
    assert Finding.objects.filter(inspection_id=stored.id).count() == 2


def test_findings_listed_twice_are_refused_and_the_rest_is_stored(world, phase):
    items = random_items(random.Random(5), world, phase, 3)
    problem = ProblemType.objects.get(code="illegal_ads")
    twice = FindingInput(id=uuid.uuid4(), problem_type=problem)
    bad = InspectionInput(
        id=uuid.uuid4(), phase=phase, started_at=timezone.now(), hotspot=world.stall, findings=[twice, twice]
    )
    results = inspections_submit_batch(user=world.users.inspector, items=[*items, bad])
    assert results[-1].status == Status.REFUSED
    assert message(results[-1].error) == {"findings": [f"Finding id {twice.id} is listed twice."]}
    assert not Inspection.objects.filter(pk=bad.id).exists()


def test_people_who_may_not_inspect_are_refused(world, phase):
    with pytest.raises(PermissionDenied):
        inspections_submit_batch(user=world.users.rectifier, items=random_items(random.Random(1), world, phase, 2))
    with pytest.raises(PermissionDenied):
        findings_submit_batch(user=world.users.rectifier, items=[])


def test_an_empty_batch_asks_nothing(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert inspections_submit_batch(user=world.users.inspector, items=[]) == []
        assert findings_submit_batch(user=world.users.inspector, items=[]) == []


# ---------------------------------------------------------------- findings added to stored inspections


def test_findings_added_in_a_batch_are_what_finding_add_stores_one_by_one(world, phase, stored_before):
    rng = random.Random(21)
    user = world.users.inspector
    parents = random_items(rng, world, phase, 16)
    inspections_submit_batch(user=user, items=parents)
    stored = list(Inspection.objects.filter(pk__in=[p.id for p in parents]))
    assert len(stored) >= 6
    items = []
    for _ in range(80):
        roll = rng.random()
        if roll < 0.08:
            owner_id = uuid.uuid4()  # not on the server (yet)
            near = (116.21, 39.85)
        elif roll < 0.14:
            owner_id, near = stored_before.pk, (116.21, 39.85)  # another person's
        else:
            owner = rng.choice(stored)
            owner_id, near = owner.pk, (owner.location.x, owner.location.y)
        if rng.random() < 0.08 and items:
            items.append(rng.choice(items))  # sent twice
            continue
        if rng.random() < 0.05:
            near = (116.5, 39.9)  # outside the district
        items.append(FindingItem(inspection_id=owner_id, finding=finding(rng, near)))
    already = [f for f in Finding.objects.filter(inspection__in=stored)[:3]]
    items += [
        FindingItem(
            inspection_id=f.inspection_id,
            finding=FindingInput(id=f.pk, problem_type=f.problem_type, severity=f.severity, location=f.location),
        )
        for f in already
    ]
    if already:
        other = next(s for s in stored if s.pk != already[0].inspection_id)
        items.append(
            FindingItem(
                inspection_id=other.pk, finding=FindingInput(id=already[0].pk, problem_type=already[0].problem_type)
            )
        )
    ids = {s.pk for s in stored}

    def added_rows():
        return stored_rows(ids)[1]

    before = {f.pk for f in Finding.objects.filter(inspection_id__in=ids)}
    expected = one_by_one(
        lambda item: finding_add(user=user, inspection_id=item.inspection_id, data=item.finding), items
    )
    expected_rows = added_rows()
    Finding.objects.filter(inspection_id__in=ids).exclude(pk__in=before).delete()
    got = batch_outcomes(findings_submit_batch(user=user, items=items))

    assert got == expected
    assert added_rows() == expected_rows
    assert {status for status, _ in got} == {"created", "existing", "refused"}
    reasons = " ".join(str(m) for status, m in got if status == "refused")
    assert "not on the server yet" in reasons and "another person" in reasons and "another inspection" in reasons


def test_a_finding_of_another_persons_inspection_is_refused(world, phase, stored_before):
    problem = ProblemType.objects.get(code="illegal_ads")
    item = FindingItem(inspection_id=stored_before.pk, finding=FindingInput(id=uuid.uuid4(), problem_type=problem))
    (result,) = findings_submit_batch(user=world.users.inspector, items=[item])
    assert result.status == Status.REFUSED and isinstance(result.error, Conflict)
    assert "another person's" in result.error.message


def test_a_single_finding_outside_the_district_names_its_own_field(world, phase):
    (parent,) = random_items(random.Random(2), world, phase, 1)
    parent = InspectionInput(**{**parent.__dict__, "hotspot": world.stall, "location": None, "findings": []})
    inspection_submit(user=world.users.inspector, data=parent)
    problem = ProblemType.objects.get(code="illegal_ads")
    outside = FindingInput(id=uuid.uuid4(), problem_type=problem, location=Point(116.5, 39.9, srid=4326))
    with pytest.raises(ValidationError) as caught:
        finding_add(user=world.users.inspector, inspection_id=parent.id, data=outside)
    assert list(caught.value.message_dict) == ["location"]
    assert Hotspot.objects.count() == 2


def test_the_queries_do_not_grow_with_the_batch(world, phase):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    problem = ProblemType.objects.get(code="street_vending")

    def batch(size):
        return [
            InspectionInput(
                id=uuid.uuid4(),
                phase=phase,
                started_at=timezone.now(),
                hotspot=world.stall,
                findings=[
                    FindingInput(
                        id=uuid.uuid4(), problem_type=problem, location=Point(116.23 + i * 1e-5, 39.845, srid=4326)
                    )
                ],
            )
            for i in range(size)
        ]

    counts = []
    for size in (3, 40):
        items = batch(size)
        with CaptureQueriesContext(connection) as first:
            assert {r.status for r in inspections_submit_batch(user=world.users.inspector, items=items)} == {
                Status.CREATED
            }
        with CaptureQueriesContext(connection) as replay:
            assert {r.status for r in inspections_submit_batch(user=world.users.inspector, items=items)} == {
                Status.EXISTING
            }
        counts.append((len(first), len(replay)))
    assert counts[0] == counts[1]


def test_findings_outside_the_persons_area_or_far_from_the_hotspot_are_refused_as_one_by_one(world, phase):
    problem = ProblemType.objects.get(code="illegal_ads")

    def item(hotspot, location, *findings):
        return InspectionInput(
            id=uuid.uuid4(),
            phase=phase,
            started_at=timezone.now(),
            hotspot=hotspot,
            location=location,
            findings=[FindingInput(id=uuid.uuid4(), problem_type=problem, location=p) for p in findings],
        )

    east_free = Point(116.232, 39.8435, srid=4326)
    items = [
        item(world.stall, None, Point(116.2302, 39.845, srid=4326)),
        item(world.stall, None, Point(116.2195, 39.845, srid=4326)),  # in the west community
        item(world.stall, None, Point(116.2330, 39.845, srid=4326)),  # about 256 m from the stall
        item(None, east_free, Point(116.239, 39.859, srid=4326)),
        item(None, east_free, Point(116.215, 39.845, srid=4326)),  # in the west community
    ]
    results = inspections_submit_batch(user=world.users.east_inspector, items=items)
    assert [r.status for r in results] == [
        Status.CREATED,
        Status.REFUSED,
        Status.REFUSED,
        Status.CREATED,
        Status.REFUSED,
    ]
    assert "outside the area you are assigned to" in results[1].error.message_dict["findings[0].location"][0]
    assert "m from the hotspot" in results[2].error.message_dict["findings[0].location"][0]
    stored = stored_rows([i.id for i in items])
    forget([i.id for i in items])
    expected = one_by_one(lambda data: inspection_submit(user=world.users.east_inspector, data=data), items)
    assert batch_outcomes(results) == expected
    assert stored_rows([i.id for i in items]) == stored

    parent = items[0]
    added = [
        FindingItem(parent.id, FindingInput(id=uuid.uuid4(), problem_type=problem, location=p))
        for p in (Point(116.2195, 39.845, srid=4326), Point(116.2330, 39.845, srid=4326), None)
    ]
    results = findings_submit_batch(user=world.users.east_inspector, items=added)
    assert [r.status for r in results] == [Status.REFUSED, Status.REFUSED, Status.CREATED]
    assert "outside the area you are assigned to" in results[0].error.message_dict["location"][0]
    assert "m from the hotspot" in results[1].error.message_dict["location"][0]
