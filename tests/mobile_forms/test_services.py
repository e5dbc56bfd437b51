"""Checklist versions: published versions are numbered, frozen and never rewritten; drafts are edited then published."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from geo.models import HotspotCategory
from mobile_forms.answers import snapshot
from mobile_forms.models import Checklist, ChecklistVersion
from mobile_forms.models.questions import QuestionType, choice, question
from mobile_forms.services import (
    checklist_get_or_create,
    version_create,
    version_draft_from,
    version_publish,
    version_update_draft,
)
from tests.factories import UserFactory
from tests.mobile_forms.xlsforms import all_types_questions, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(username="checklist_manager", role=Role.MANAGER)


def test_publishing_numbers_versions_and_records_who_and_when(manager):
    first = publish(user=manager)
    assert (first.number, first.published_by, first.created_by) == (1, manager, manager)
    assert first.published_at is not None and first.created_at <= first.published_at
    changed = all_types_questions()
    changed[1]["deduction"] = 3.0
    second = publish(changed, user=manager)
    assert second.number == 2 and second.checklist_id == first.checklist_id
    assert ChecklistVersion.objects.get(pk=first.pk).questions[1]["deduction"] == 2.0


def test_the_same_content_is_not_published_twice():
    first = publish()
    again = publish()
    assert again.pk == first.pk
    assert ChecklistVersion.objects.count() == 1


def test_a_new_version_never_changes_answers_already_given():
    old = publish()
    given = snapshot(
        old, {"clean": False, "garbage_kind": "household", "photo": "8c1f3a0e-2b7d-4d38-9a53-2f1e0d9e3b11"}
    )
    renamed = all_types_questions()
    renamed[1].update(label="环境整洁", label_en="Tidy", deduction=5.0)
    new = publish(renamed)
    assert new.number == 2
    # The old version and the snapshot made with it keep their words and points.
    old.refresh_from_db()
    assert old.questions[1]["label"] == "无暴露垃圾"
    assert snapshot(old, {"clean": False, "garbage_kind": "household", "photo": given[-1]["value"]}) == given
    assert given[0]["label"] == "无暴露垃圾" and given[0]["deduction"] == 2.0


def test_a_published_version_cannot_be_changed():
    version = publish()
    with pytest.raises(ValidationError, match="A published version cannot be changed"):
        version_update_draft(version=version, title="改过的标题")
    version.title = "改过的标题"
    with pytest.raises(ValidationError):
        version.full_clean()
    assert ChecklistVersion.objects.get(pk=version.pk).title == "公交站检查表"


def test_editing_goes_through_a_draft_that_is_published_as_the_next_version(manager):
    version = publish()
    draft = version_draft_from(version=version, user=manager)
    assert (draft.number, draft.published_at, draft.created_by) == (None, None, manager)
    questions = draft.questions + [question("bins", QuestionType.YES_NO, "果皮箱完好", deduction=1)]
    draft = version_update_draft(version=draft, questions=questions, label="2026.2")
    published = version_publish(version=draft, user=manager)
    assert (published.number, published.label, published.published_by) == (2, "2026.2", manager)
    assert published.questions[-1]["choices"][1] == {"value": "no", "label": "否", "label_en": "No", "fails": True}
    assert version_publish(version=published, user=None).published_by == manager  # publishing twice: no-op


def test_a_draft_with_bad_questions_cannot_be_saved():
    draft = version_draft_from(version=publish())
    with pytest.raises(ValidationError) as caught:
        version_update_draft(version=draft, questions=[{"name": "x", "type": "rating", "label": "评分"}])
    assert caught.value.message_dict["questions"] == ["Question 1 (x): Unknown question type “rating”."]


@pytest.mark.parametrize(
    ("questions", "messages"),
    [
        ([], ["A checklist needs at least one question that takes an answer."]),
        (
            [question("a", QuestionType.YES_NO, "甲"), question("a", QuestionType.TEXT, "乙")],
            ["Question 2 (a): The name “a” is used twice."],
        ),
        (
            [question("1st", QuestionType.TEXT, "甲")],
            [
                "Question 1 (1st): The name must start with a letter or _ and use only letters, digits, _ . - "
                "(at most 64)."
            ],
        ),
        (
            [question("n", QuestionType.TEXT, "文字", deduction=2)],
            ["Question 1 (n): Only yes/no and select questions carry a deduction."],
        ),
        (
            [question("n", QuestionType.YES_NO, "是否", deduction=-1)],
            ["Question 1 (n): The deduction must be a number of points from 0 to 100."],
        ),
        (
            [question("s", QuestionType.SELECT_ONE, "选择", deduction=1, choices=[choice("a", "甲")])],
            ["Question 1 (s): A deduction needs at least one choice marked as failing."],
        ),
        (
            [question("s", QuestionType.SELECT_MANY, "选择")],
            ["Question 1 (s): A select question needs at least one choice."],
        ),
        (
            [question("s", QuestionType.SELECT_ONE, "选择", choices=[choice("a b", "甲")])],
            ["Question 1 (s): Choice 1 needs a value without spaces."],
        ),
        (
            [
                question(
                    "y",
                    QuestionType.YES_NO,
                    "有垃圾吗",
                    choices=[choice("yes", "是", fails=True), choice("no", "否")],
                )
            ],
            ["Question 1 (y): In a yes/no question only “no” fails: phrase the question so that “yes” is compliant."],
        ),
        (
            [question("n", QuestionType.NOTE, "说明", required=True), question("t", QuestionType.TEXT, "文字")],
            ["Question 1 (n): A note takes no answer and cannot be required."],
        ),
        (
            [
                question("t", QuestionType.TEXT, "文字", relevant={"question": "y", "value": "no"}),
                question("y", QuestionType.YES_NO, "是否"),
            ],
            ["Question 1 (t): The condition refers to “y”, which is not a question before this one."],
        ),
        (
            [
                question("t", QuestionType.TEXT, "文字"),
                question("u", QuestionType.TEXT, "文字", relevant={"question": "t", "value": "x"}),
            ],
            ["Question 2 (u): The condition refers to “t”, but only yes/no and select questions can be conditions."],
        ),
        (
            [
                question("y", QuestionType.YES_NO, "是否"),
                question("u", QuestionType.TEXT, "文字", relevant={"question": "y", "value": "maybe"}),
            ],
            ["Question 2 (u): The condition value “maybe” is not a choice of “y” (yes, no)."],
        ),
        (
            [question("t", QuestionType.TEXT, "", label_en="Text")],
            ["Question 1 (t): “label” is missing."],
        ),
    ],
)
def test_bad_question_lists_are_refused_with_a_message_per_problem(questions, messages):
    with pytest.raises(ValidationError) as caught:
        publish(questions)
    assert caught.value.message_dict["questions"] == messages
    assert ChecklistVersion.objects.count() == 0


def test_one_checklist_per_category_and_phase_kind():
    category = HotspotCategory.objects.get(code="bus_stop")
    generic, created = checklist_get_or_create(category=category)
    assert created and generic.code == "bus_stop"
    assert checklist_get_or_create(category=category) == (generic, False)
    acceptance, created = checklist_get_or_create(category=category, phase_kind="acceptance", code="bus_stop")
    assert created and acceptance.code == "bus_stop-acceptance"  # the wanted code was taken
    with pytest.raises(IntegrityError), transaction.atomic():
        Checklist.objects.create(code="another", category=category, phase_kind="")
    with pytest.raises(ValidationError):
        checklist_get_or_create(category=category, phase_kind="daily")


def test_versions_of_one_checklist_never_share_a_number():
    version = publish()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistVersion.objects.create(
            checklist=version.checklist, number=1, title="重复", published_at=version.published_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistVersion.objects.create(checklist=version.checklist, number=5, title="未发布却有编号")


def test_a_draft_version_of_the_same_content_is_not_stored_twice():
    checklist, _ = checklist_get_or_create(category=HotspotCategory.objects.get(code="bus_stop"))
    first, created = version_create(checklist=checklist, questions=all_types_questions(), title="草稿", publish=False)
    again, created_again = version_create(
        checklist=checklist, questions=all_types_questions(), title="草稿", publish=False
    )
    assert created and not created_again and again.pk == first.pk and first.number is None
