"""A scored checklist item names the finding its failure opens: a problem type that exists, and a severity."""

import pytest
from django.core.exceptions import ValidationError

from fixtures.checklists import ITEM_FINDINGS, load_checklists
from inspections.models import ProblemType
from mobile_forms.models import ChecklistVersion, QuestionType
from mobile_forms.models.questions import choice, question
from mobile_forms.selectors import versions_in_force
from tests.mobile_forms.xlsforms import publish

pytestmark = pytest.mark.django_db


def vending(**fields):
    return question("no_vending", QuestionType.YES_NO, "无占道经营摊点", required=True, deduction=3, **fields)


def test_a_scored_item_keeps_its_problem_type_and_severity():
    version = publish([vending(problem_type="street_vending", severity="major")])
    assert version.questions[0]["problem_type"] == "street_vending"
    assert version.questions[0]["severity"] == "major"


def test_a_select_item_may_open_a_finding_and_the_severity_may_be_left_to_the_type():
    select = question(
        "minors",
        QuestionType.SELECT_ONE,
        "是否发现接纳未成年人",
        choices=[choice("none", "未发现"), choice("found", "发现", fails=True)],
        problem_type="minors_in_cafe",
    )
    assert publish([select]).questions[0]["problem_type"] == "minors_in_cafe"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            question("n", QuestionType.TEXT, "说明", problem_type="street_vending"),
            "Question 1 (n): Only yes/no and select questions open a finding when they fail.",
        ),
        (vending(severity="major"), "Question 1 (no_vending): A severity needs the problem type of the finding."),
        (
            vending(problem_type="street_vending", severity="urgent"),
            "Question 1 (no_vending): The severity is one of minor, major, severe.",
        ),
        (
            vending(problem_type="占道 经营"),
            "Question 1 (no_vending): The problem type is the code of a problem type (letters, digits, - and _).",
        ),
    ],
)
def test_a_wrong_finding_of_an_item_is_refused_with_its_reason(item, message):
    with pytest.raises(ValidationError) as caught:
        publish([item])
    assert caught.value.message_dict["questions"] == [message]
    assert ChecklistVersion.objects.count() == 0


def test_an_unknown_or_inactive_problem_type_is_refused():
    ProblemType.objects.filter(code="street_vending").update(active=False)
    with pytest.raises(ValidationError) as caught:
        publish([vending(problem_type="street_vending"), vending(problem_type="no_such_type") | {"name": "b"}])
    assert "no_such_type, street_vending" in caught.value.message_dict["questions"][0]
    assert ChecklistVersion.objects.count() == 0


def test_the_api_serves_the_finding_of_each_item(client_for, world):
    publish([vending(problem_type="street_vending", severity="major"), question("t", QuestionType.TEXT, "备注")])
    body = client_for(world.users.inspector).get("/api/checklists/?category=bus_stop").json()
    items = {item["name"]: item for item in body[0]["questions"]}
    assert (items["no_vending"]["problem_type"], items["no_vending"]["severity"]) == ("street_vending", "major")
    assert (items["t"]["problem_type"], items["t"]["severity"]) == ("", "")


def test_the_demo_checklists_name_known_problem_types_for_their_failed_items():
    load_checklists()
    questions = {item["name"]: item for version in versions_in_force() for item in version.questions}
    assert (questions["no_vending"]["problem_type"], questions["no_vending"]["severity"]) == ("street_vending", "major")
    assert set(ITEM_FINDINGS) <= set(questions)
    assert {code for code, _severity in ITEM_FINDINGS.values()} <= set(
        ProblemType.objects.values_list("code", flat=True)
    )
    # The street-stall checklist can be answered with one failed item and its photo: the count is optional.
    assert questions["stall_count"]["required"] is False
