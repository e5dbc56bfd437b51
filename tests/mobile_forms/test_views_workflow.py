"""The tablet app's configuration hands over the unit's moves of the move table, in the table's order, each with
its declared form, in the person's language."""

import json
import re

import pytest
from django.utils import translation

from inspections.rectification.workflow import MOVES, Actor, move_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_config_carries_the_units_moves_with_their_forms(client, world, language):
    client.force_login(world.users.east_rectifier)
    client.cookies["django_language"] = language
    page = client.get("/m/").content.decode()
    config = json.loads(re.search(r'<script id="app-config" type="application/json">(.*?)</script>', page, re.S)[1])
    with translation.override(language):
        declared = [move_form(move) for move in MOVES.values() if move.actor == Actor.UNIT]
    moves = config["workflow"]["moves"]
    assert [m["action"] for m in moves] == [d["action"] for d in declared]
    for sent, form in zip(moves, declared, strict=True):
        assert {key: sent[key] for key in form} == form
    extension = next(m for m in moves if m["action"] == "request_extension")
    assert [(f["name"], f["kind"], f["required"]) for f in extension["fields"]] == [
        ("due_at", "day", True),
        ("note", "text", True),
    ]
    assert extension["fields"][1]["label"] == ("需要延期的原因" if language == "zh-hans" else "Why more time is needed")
