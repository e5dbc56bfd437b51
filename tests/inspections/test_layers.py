"""The inspections' layer definitions: who may open them, what each feature says (state, overdue, weights), and the
filters' refusals, read through the registry as every output reads them."""

import datetime as dt

import pytest
from django.utils import timezone

from geo.layers import LayerFilterError, get_layer, layers_for
from inspections.layers import SEVERITY_WEIGHT
from inspections.models import TaskStatus
from tests.factories import running_phase
from tests.inspections.task_builders import make_task, move

pytestmark = pytest.mark.django_db


def rows(layer_name, user, params=None):
    layer = get_layer(layer_name)
    return {str(row["pk"]): row for row in layer.feature_rows(layer.queryset(user, params or {}))}


def test_the_layers_are_registered_volunteers_do_not_get_the_tasks_nor_rectifiers_the_rounds(world):
    users = world.users
    every = ["jurisdictions", "tasks", "findings", "hotspots", "coverage"]
    assert [layer.name for layer in layers_for(users.manager)] == every
    assert [layer.name for layer in layers_for(users.rectifier)] == ["jurisdictions", "tasks", "findings", "hotspots"]
    assert [layer.name for layer in layers_for(users.volunteer)] == [
        "jurisdictions",
        "findings",
        "hotspots",
        "coverage",
    ]


def test_the_task_legend_has_every_status_and_overdue_first():
    legend = get_layer("tasks").legend
    assert [entry.value for entry in legend][:2] == ["overdue", TaskStatus.REJECTED]
    assert {entry.value for entry in legend} == {*TaskStatus.values, "overdue"}
    assert [entry.value for entry in legend if entry.emphasis] == ["overdue", TaskStatus.REJECTED]


def test_a_task_past_its_deadline_with_the_unit_is_overdue_until_it_leaves_the_unit(world):
    phase = running_phase()
    late = make_task(world, phase, now=timezone.now() - dt.timedelta(days=6))
    on_time = make_task(world, phase, lon=116.231, lat=39.846)
    manager = world.users.manager
    features = rows("tasks", manager)
    assert features[str(late.pk)]["p_state"] == "overdue" and features[str(late.pk)]["p_status"] == "dispatched"
    assert features[str(on_time.pk)]["p_state"] == "dispatched"
    move(manager, late, "void", note="重复上报")
    assert rows("tasks", manager)[str(late.pk)]["p_state"] == TaskStatus.VOID


def test_hotspot_state_follows_its_open_and_overdue_tasks(world):
    phase = running_phase()
    manager = world.users.manager
    assert rows("hotspots", manager)[str(world.stall.pk)]["p_state"] == "clear"
    make_task(world, phase, hotspot=world.stall)
    stall = rows("hotspots", manager)[str(world.stall.pk)]
    assert (stall["p_state"], stall["p_open_tasks"], stall["p_overdue_tasks"]) == ("open", 1, 0)
    assert stall["p_last_inspected"] is not None
    make_task(world, phase, hotspot=world.stall, now=timezone.now() - dt.timedelta(days=6))
    stall = rows("hotspots", manager)[str(world.stall.pk)]
    assert (stall["p_state"], stall["p_open_tasks"], stall["p_overdue_tasks"]) == ("overdue", 2, 1)


def test_findings_weigh_by_severity(world):
    phase = running_phase()
    findings = get_layer("findings")
    for severity, lon in (("minor", 116.205), ("major", 116.215), ("severe", 116.231)):
        make_task(world, phase, lon=lon, lat=39.846, severity=severity)
    weights = dict(findings.queryset(world.users.manager).annotate(w=findings.weight()).values_list("severity", "w"))
    assert weights == SEVERITY_WEIGHT


@pytest.mark.parametrize(
    ("layer_name", "params", "parameter"),
    [
        ("tasks", {"status": "lost"}, "status"),
        ("tasks", {"unit": "0"}, "unit"),
        ("findings", {"severity": "huge"}, "severity"),
        ("hotspots", {"state": "burning"}, "state"),
        ("hotspots", {"start": "2026-05-02", "end": "2026-05-01"}, "end"),
    ],
)
def test_a_filter_value_the_layer_cannot_take_is_refused_with_its_parameter(world, layer_name, params, parameter):
    with pytest.raises(LayerFilterError) as refused:
        get_layer(layer_name).queryset(world.users.manager, params)
    assert list(refused.value.errors) == [parameter]


def test_a_task_feature_names_its_first_before_and_latest_after_photo_and_its_id(world):
    from tests.inspections.task_builders import photo, report, submit_fix

    phase = running_phase()
    task = report(world.users.inspector, phase, lon=116.212, lat=39.846, before_photos=2, seed=7)
    bare = make_task(world, phase, lon=116.231, lat=39.846)
    before = task.finding.photos.order_by("uploaded_at", "pk").first()
    feature = rows("tasks", world.users.manager)[str(task.pk)]
    assert feature["p_task"] == task.pk and feature["p_before_photo"] == before.pk and feature["p_after_photo"] is None
    submit_fix(world.users.rectifier, task, seed=8)
    latest = photo(world.users.rectifier, task, role="after", seed=9)
    feature = rows("tasks", world.users.manager)[str(task.pk)]
    assert feature["p_after_photo"] == latest.pk and feature["p_before_photo"] == before.pk
    assert rows("tasks", world.users.manager)[str(bare.pk)]["p_before_photo"] is None


def test_the_open_state_takes_every_task_still_to_be_done(world):
    phase = running_phase()
    manager = world.users.manager
    waiting = make_task(world, phase)
    late = make_task(world, phase, lon=116.231, lat=39.846, now=timezone.now() - dt.timedelta(days=6))
    done = make_task(world, phase, lon=116.232, lat=39.846)
    move(manager, done, "void", note="重复上报")
    assert set(rows("tasks", manager, {"status": ["open"]})) == {str(waiting.pk), str(late.pk)}
    assert set(rows("tasks", manager, {"status": ["overdue"]})) == {str(late.pk)}
    assert set(rows("findings", manager, {"status": ["open"]})) == {str(waiting.finding_id), str(late.finding_id)}
