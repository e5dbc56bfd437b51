"""The task page's move forms come from the move table: exactly the allowed moves a page can make, in the table's
order, each with the fields its move declares (labels in both languages); a required field left out is refused
with the service's message."""

import re

import pytest
from django.utils import translation

from inspections.models import TaskStatus
from inspections.rectification.tasks import allowed_moves
from inspections.rectification.workflow import MOVES
from tests.inspections.task_builders import make_task, move, submit_fix

pytestmark = pytest.mark.django_db


def page_forms(page: str) -> list[tuple[str, list[str]]]:
    """(action, the names of its fields) of each move form, in the page's order."""
    forms = re.findall(r'<form method="post" class="move-form[^"]*" data-action="(\w+)">(.*?)</form>', page, re.S)
    return [(action, re.findall(r'class="move-field" data-field="(\w+)"', body)) for action, body in forms]


def expected(user, task) -> list[tuple[str, list[str]]]:
    moves = [MOVES[action] for action in allowed_moves(user, task)]
    return [(m.action.value, [f.name for f in m.fields]) for m in moves if not m.on_site]


@pytest.fixture
def task(world, phase):
    return make_task(world, phase)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("who", ["rectifier", "manager", "inspector"])
def test_the_page_offers_the_tables_moves_in_the_tables_order_with_their_fields(client, world, task, who, language):
    user = getattr(world.users, who)
    submit_fix(world.users.rectifier, task)
    task.refresh_from_db()
    for state in ("submitted", "rejected"):
        client.force_login(user)
        page = client.get(f"/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert page_forms(page) == expected(user, task)
        with translation.override(language):
            for action, _names in expected(user, task):
                assert f">{MOVES[action].label}</button>" in page
                for field in MOVES[action].fields:
                    assert f">{field.label}" in page
        if state == "submitted":
            move(world.users.inspector, task, "reject", note="仍有垃圾")
            task.refresh_from_db()


def test_the_units_extension_form_is_the_declared_one(client, world, task):
    move(world.users.rectifier, task, "accept")
    client.force_login(world.users.rectifier)
    page = client.get(f"/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert dict(page_forms(page))["request_extension"] == ["due_at", "note"]
    form = page.split('data-action="request_extension"')[1].split("</form>")[0]
    assert re.search(r'<input type="date" name="due_on"[^>]*required', form)
    textarea = re.search(r'<textarea name="note"[^>]*>', form)[0]
    assert 'maxlength="2000"' in textarea and "required" in textarea
    assert "需要延期的原因" in form and "新的期限" in form


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("request_extension", {"note": "需采购材料"}, "Give the new deadline."),
        ("return", {"note": " "}, "Say why (a note is required for “Return: not ours”)."),
    ],
)
def test_a_required_field_missing_answers_400_with_a_message(client, world, task, action, data, message):
    move(world.users.rectifier, task, "accept")
    client.force_login(world.users.rectifier)
    response = client.post(f"/tasks/{task.pk}/", {"action": action, **data}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
