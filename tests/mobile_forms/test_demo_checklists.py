"""The demo checklists (fixtures/checklists.py): every hotspot category, Chinese with English, from the seed notice."""

import uuid

import pytest

from fixtures.checklists import load_checklists
from geo.categories import DEFAULT_CATEGORIES
from mobile_forms.answers import snapshot, total_deduction
from mobile_forms.models import ChecklistVersion, QuestionType
from mobile_forms.selectors import version_in_force, versions_in_force

pytestmark = pytest.mark.django_db


def test_every_category_has_a_bilingual_checklist_with_every_question_type():
    assert load_checklists() == 13
    in_force = versions_in_force()
    assert {version.checklist.category.code for version in in_force} == {code for code, *_ in DEFAULT_CATEGORIES}
    questions = [item for version in in_force for item in version.questions]
    assert {item["type"] for item in questions} == set(QuestionType.values)
    assert any(item["relevant"] for item in questions)
    assert all(item["label"] and item["label_en"] for item in questions)
    assert all(version.title and version.title_en and version.label == "2026.1" for version in in_force)
    deductions = [item["deduction"] for item in questions if item["deduction"]]
    assert len(deductions) > 50 and max(deductions) == 6.0
    labels = " ".join(item["label"] for item in questions)
    for problem in (
        "暴露垃圾",
        "积存物",
        "蚊蝇孳生地",
        "白色垃圾",
        "非法小广告",
        "围挡",
        "苫盖",
        "乱停乱放",
        "违章",
        "闯红灯",
        "未成年人",
    ):
        assert problem in labels, problem


def test_loading_twice_publishes_nothing_new():
    load_checklists()
    assert load_checklists() == 0
    assert ChecklistVersion.objects.count() == 13


def test_the_acceptance_phase_has_its_own_construction_site_checklist():
    from inspections.models import Campaign, Phase, PhaseKind

    load_checklists()
    campaign = Campaign.objects.create(name="演示", starts_on="2026-03-01", ends_on="2026-06-01")
    acceptance = Phase.objects.create(
        campaign=campaign, kind=PhaseKind.ACCEPTANCE, starts_on="2026-05-01", ends_on="2026-06-01"
    )
    assert version_in_force(category="construction_site", phase=acceptance).checklist.code == (
        "construction_site-acceptance"
    )
    assert version_in_force(category="construction_site").checklist.code == "construction_site"


def test_an_internet_cafe_admitting_minors_loses_its_points():
    load_checklists()
    version = version_in_force(category="internet_cafe")
    answers = {
        "licences_displayed": True,
        "licence_valid_until": "2027-12-31",
        "minors_sign": False,
        "minors": "found",
        "minors_count": 3,
        "real_name": True,
        "fire_hazards": ["exit_blocked"],
        "no_smoking": True,
        "overview_photo": str(uuid.uuid4()),
    }
    items = snapshot(version, answers)
    assert total_deduction(items) == 1 + 5 + 2
    assert {item["name"]: item["value_label"] for item in items}["minors"] == "发现未成年人上网"
