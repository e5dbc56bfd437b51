"""The move table's declarations: every move a person makes declares its form, and the service checks required
fields from that declaration."""

import pytest
from django.core.exceptions import ValidationError

from inspections.models import TaskStatus
from inspections.rectification.workflow import MOVES, PUBLIC_ACTIONS, Action, Actor, FieldKind, move_form
from tests.inspections.task_builders import make_task, move

pytestmark = pytest.mark.django_db


def test_the_declared_fields_name_fields_of_a_move():
    names = {"note", "unit", "due_at", "position", "photos"}
    for action in PUBLIC_ACTIONS:
        for field in MOVES[action].fields:
            assert field.name in names, (action, field.name)
            assert not field.required or field.missing, (action, field.name)
    assert MOVES[Action.HOLD].actor == Actor.SYSTEM and Action.HOLD not in PUBLIC_ACTIONS


def test_the_move_form_in_both_languages():
    from django.utils import translation

    with translation.override("en"):
        english = move_form(MOVES[Action.REQUEST_EXTENSION])
    with translation.override("zh-hans"):
        chinese = move_form(MOVES[Action.REQUEST_EXTENSION])
    assert [(f["name"], f["kind"], f["required"]) for f in english["fields"]] == [
        ("due_at", FieldKind.DAY, True),
        ("note", FieldKind.TEXT, True),
    ]
    assert english["label"] == "Ask for an extension" and english["tone"] == "secondary"
    assert english["fields"][0]["limits"] == {"after_deadline": True}
    assert english["fields"][1]["limits"] == {"max_length": 2000}
    assert english["fields"][1]["missing"] == "Say why (a note is required for “Ask for an extension”)."
    assert chinese["label"] != english["label"] and chinese["fields"][0]["label"] == "新的期限"


@pytest.mark.parametrize(
    ("action", "field", "message"),
    [
        ("return", "note", "a note is required"),
        ("request_extension", "due_at", "Give the new deadline."),
        ("check_in", "position", "Arriving needs the device's position."),
        ("submit", "photos", "at least one after-photo"),
    ],
)
def test_a_required_field_missing_is_refused_with_its_message(world, phase, action, field, message):
    task = make_task(world, phase)
    rectifier = world.users.rectifier
    if action != "return":
        move(rectifier, task, "accept")
    with pytest.raises(ValidationError) as refused:
        move(rectifier, task, action, note="理由" if field != "note" else "")
    assert field in refused.value.message_dict and message in refused.value.message_dict[field][0]
    task.refresh_from_db()
    assert task.status in (TaskStatus.DISPATCHED, TaskStatus.ACCEPTED)


def test_a_field_with_a_fallback_takes_it_from_the_task(world, phase):
    """Resuming without naming a unit sends the task back to its unit (the declared fallback)."""
    task = make_task(world, phase)
    move(world.users.manager, task, "defer", note="施工中")
    move(world.users.manager, task, "resume")
    task.refresh_from_db()
    assert task.status == TaskStatus.DISPATCHED and task.unit == world.west_committee
