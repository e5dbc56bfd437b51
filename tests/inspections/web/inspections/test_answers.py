"""The inspection page shows the checklist answers however they were sent: as an object through the REST API, or
against a checklist version through the tablet's sync (stored as a snapshot with the points each item lost)."""

import re

import pytest

from geo.models import HotspotCategory
from inspections.models import Inspection
from mobile_forms.services import checklist_get_or_create, version_create
from tests.inspections import conftest as inspection_fixtures

pytestmark = pytest.mark.django_db

phase = inspection_fixtures.phase
inspection_payload = inspection_fixtures.inspection_payload


@pytest.fixture
def version(world):
    checklist, _ = checklist_get_or_create(category=HotspotCategory.objects.get(code="street_stall"))
    version, _ = version_create(
        checklist=checklist,
        title="摊点检查表",
        questions=[
            {"name": "clean", "type": "yes_no", "label": "无暴露垃圾", "label_en": "No exposed garbage",
             "required": True, "deduction": 2},
            {"name": "order", "type": "yes_no", "label": "无占道经营", "label_en": "No street vending",
             "required": True, "deduction": 3.5},
            {"name": "kind", "type": "select_one", "label": "摊点类型", "label_en": "Kind of stall",
             "choices": [{"value": "food", "label": "餐饮", "label_en": "Food"},
                         {"value": "goods", "label": "百货", "label_en": "Goods"}]},
            {"name": "remarks", "type": "text", "label": "备注", "label_en": "Remarks"},
        ],
    )  # fmt: skip
    return version


def answers_block(client, user, pk, language="en") -> str:
    client.force_login(user)
    response = client.get(f"/inspections/{pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    assert "No checklist answers were recorded." not in page and "未记录检查表答案" not in page
    return re.search(r'<section class="card" aria-labelledby="answers-heading">.*?</section>', page, re.S).group(0)


def test_a_sync_submitted_inspection_shows_its_answers_deductions_and_score(
    client, client_for, world, inspection_payload, version
):
    item = {
        "type": "inspection",
        **inspection_payload(
            checklist_version=str(version.pk),
            answers={"clean": False, "order": False, "kind": "food", "remarks": "摊主已劝离"},
        ),
    }
    response = client_for(world.users.inspector).post(
        "/api/sync/", {"device": "tablet-1", "items": [item]}, format="json"
    )
    assert response.json()["results"][0]["status"] == "created"
    assert Inspection.objects.get(pk=item["id"]).deduction == 5.5

    block = answers_block(client, world.users.manager, item["id"])
    assert re.search(r"No exposed garbage</dt>\s*<dd><span class=\"no\">No</span>", block)
    assert "−2 pts" in block and "−3.5 pts" in block
    assert re.search(r"Kind of stall</dt>\s*<dd>Food", block)
    assert "摊主已劝离" in block
    assert "Score 94.5 (100 − 5.5 points deducted)" in block

    chinese = answers_block(client, world.users.manager, item["id"], language="zh-hans")
    assert "无暴露垃圾" in chinese and "餐饮" in chinese and "−2 分" in chinese


def test_a_rest_submitted_inspection_shows_its_answers_without_a_score(client, client_for, world, inspection_payload):
    body = inspection_payload(answers={"环境整洁": True, "秩序规范": False, "备注": "已整改"})
    response = client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 201, response.content
    assert Inspection.objects.get(pk=body["id"]).deduction is None

    block = answers_block(client, world.users.manager, body["id"])
    assert re.search(r"环境整洁</dt>\s*<dd><span class=\"yes\">Yes</span>", block)
    assert re.search(r"秩序规范</dt>\s*<dd><span class=\"no\">No</span>", block)
    assert "已整改" in block and "Score" not in block and "pts" not in block
