"""Answers checked against a checklist version: types, required questions, conditions and deductions."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from mobile_forms.answers import snapshot, total_deduction
from mobile_forms.services import version_draft_from
from tests.mobile_forms.xlsforms import publish

pytestmark = pytest.mark.django_db

PHOTO = str(uuid.uuid4())


@pytest.fixture
def version():
    return publish()


def errors_of(version, answers) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        snapshot(version, answers)
    return caught.value.message_dict


def test_a_full_set_of_answers_is_frozen_with_its_labels_in_checklist_order(version):
    answers = {
        "spot": {"lon": 116.23, "lat": 39.845, "accuracy": 6},
        "photo": PHOTO.upper(),
        "since": "2026-03-01",
        "remarks": "站牌有污渍",
        "area": 12,
        "seat_count": 3.0,
        "facilities": ["roof", "seat"],
        "garbage_kind": "household",
        "clean": False,
    }
    items = snapshot(version, answers)
    assert [item["name"] for item in items] == [
        "clean",
        "garbage_kind",
        "facilities",
        "seat_count",
        "area",
        "remarks",
        "since",
        "photo",
        "spot",
    ]
    by_name = {item["name"]: item for item in items}
    assert by_name["clean"] == {
        "name": "clean",
        "type": "yes_no",
        "label": "无暴露垃圾",
        "label_en": "No exposed garbage",
        "value": False,
        "deduction": 2.0,
        "failed": True,
        "value_label": "否",
        "value_label_en": "No",
    }
    assert by_name["facilities"]["value"] == ["seat", "roof"]  # the checklist's order
    assert (by_name["facilities"]["value_label"], by_name["facilities"]["value_label_en"]) == (
        "座椅、顶棚",
        "Seat, Roof",
    )
    assert by_name["garbage_kind"]["deduction"] == 1.0
    assert by_name["seat_count"]["value"] == 3 and isinstance(by_name["seat_count"]["value"], int)
    assert by_name["area"]["value"] == 12.0
    assert by_name["photo"]["value"] == PHOTO
    assert by_name["spot"]["value"] == {"lon": 116.23, "lat": 39.845, "accuracy": 6.0}
    assert by_name["remarks"]["value_label"] is None
    assert total_deduction(items) == 4.5


def test_compliant_answers_lose_nothing(version):
    items = snapshot(version, {"clean": True, "facilities": ["fine"], "photo": PHOTO})
    assert [(item["name"], item["deduction"], item["failed"]) for item in items] == [
        ("clean", 0.0, False),
        ("facilities", 0.0, False),
        ("photo", 0.0, False),
    ]
    assert total_deduction(items) == 0.0


def test_a_failing_choice_without_a_deduction_fails_but_costs_nothing():
    from mobile_forms.models.questions import QuestionType, choice, question

    version = publish(
        [
            question(
                "kind",
                QuestionType.SELECT_ONE,
                "类型",
                choices=[choice("bad", "差", fails=True), choice("good", "好")],
            )
        ]
    )
    (item,) = snapshot(version, {"kind": "bad"})
    assert (item["failed"], item["deduction"]) == (True, 0.0)


def test_required_questions_must_be_answered(version):
    assert errors_of(version, {"clean": None, "photo": ""}) == {
        "answers.clean": ["This question is required."],
        "answers.photo": ["This question is required."],
    }


def test_a_question_whose_condition_is_not_met_is_not_required(version):
    # garbage_kind is required but only shown when clean is "no"; seat_count only when "seat" is chosen.
    items = snapshot(version, {"clean": True, "facilities": ["roof"], "photo": PHOTO})
    assert [item["name"] for item in items] == ["clean", "facilities", "photo"]


def test_a_question_whose_condition_is_met_becomes_required(version):
    assert errors_of(version, {"clean": False, "facilities": ["seat"], "photo": PHOTO}) == {
        "answers.garbage_kind": ["This question is required."],
        "answers.seat_count": ["This question is required."],
    }


def test_a_question_whose_condition_is_not_met_must_not_be_answered(version):
    assert errors_of(version, {"clean": True, "garbage_kind": "leaves", "photo": PHOTO, "seat_count": 2}) == {
        "answers.garbage_kind": ["This question must not be answered: it applies only when “clean” is “no”."],
        "answers.seat_count": ["This question must not be answered: it applies only when “facilities” is “seat”."],
    }


def test_an_unanswered_condition_hides_the_question(version):
    assert errors_of(version, {"garbage_kind": "leaves", "photo": PHOTO, "clean": None}) == {
        "answers.clean": ["This question is required."],
        "answers.garbage_kind": ["This question must not be answered: it applies only when “clean” is “no”."],
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("clean", "no", "Answer yes or no (true or false)."),
        ("clean", 0, "Answer yes or no (true or false)."),
        ("garbage_kind", "paper", "“paper” is not one of the options (household, leaves)."),
        ("garbage_kind", ["household"], "Choose one of the options."),
        ("facilities", "seat", "Send the chosen options as a list."),
        ("facilities", ["seat", "bench"], "“bench” is not one of the options (seat, roof, fine)."),
        ("facilities", ["seat", "seat"], "An option is chosen twice."),
        ("area", "12", "Enter a number."),
        ("area", float("nan"), "Enter a number."),
        ("area", True, "Enter a number."),
        ("remarks", 5, "Enter text."),
        ("remarks", "长" * 2001, "Enter at most 2000 characters."),
        ("since", "2026-02-30", "“2026-02-30” is not a date of the calendar."),
        ("since", "2026/03/01", "Enter a date as YYYY-MM-DD."),
        ("since", "2026-3-1", "Enter a date as YYYY-MM-DD."),
        ("photo", "IMG_0001.jpg", "Send the photo's id (a UUID); the photo itself travels separately."),
        ("photo", 12, "Send the photo's id (a UUID); the photo itself travels separately."),
        ("spot", {"lon": 216.2, "lat": 39.8}, "(216.2, 39.8) is not a WGS84 longitude/latitude (−180…180, −90…90)."),
        ("spot", {"lon": 116.2, "lat": -91}, "(116.2, -91) is not a WGS84 longitude/latitude (−180…180, −90…90)."),
        ("spot", {"lon": 116.2}, "Send a location as {“lon”, “lat”, “accuracy”}."),
        ("spot", {"lon": 116.2, "lat": 39.8, "alt": 50}, "Send a location as {“lon”, “lat”, “accuracy”}."),
        ("spot", {"lon": "116.2", "lat": 39.8}, "Longitude and latitude must be numbers."),
        (
            "spot",
            {"lon": 116.2, "lat": 39.8, "accuracy": -3},
            "The accuracy is a distance in metres and cannot be negative.",
        ),
        ("spot", [116.2, 39.8], "Send a location as {“lon”, “lat”, “accuracy”}."),
        ("intro", "ok", "A note takes no answer."),
        ("nonsense", 1, "This checklist version has no question “nonsense”."),
    ],
)
def test_answers_of_the_wrong_type_are_refused(version, name, value, message):
    answers = {"clean": name != "garbage_kind", "photo": PHOTO, name: value}
    assert errors_of(version, answers) == {f"answers.{name}": [message]}


@pytest.mark.parametrize("value", ["12", 1.5, True, "abc", 2**60])
def test_bad_integers_are_refused(version, value):
    answers = {"clean": True, "photo": PHOTO, "facilities": ["seat"], "seat_count": value}
    errors = errors_of(version, answers)
    assert list(errors) == ["answers.seat_count"]
    assert errors["answers.seat_count"][0] in ("Enter a whole number.", "The number is too large.")


def test_every_problem_is_reported_at_once(version):
    errors = errors_of(version, {"clean": "yes", "area": "big", "since": "tomorrow"})
    assert sorted(errors) == ["answers.area", "answers.clean", "answers.photo", "answers.since"]


def test_answers_must_be_an_object(version):
    assert errors_of(version, [["clean", True]]) == {"answers": ["Answers are an object: {question name: answer}."]}


def test_a_draft_takes_no_answers(version):
    draft = version_draft_from(version=version)
    assert errors_of(draft, {"clean": True}) == {
        "checklist_version": ["This checklist version is a draft; it takes no answers."]
    }


def test_total_deduction_of_answers_without_a_version_is_zero():
    assert total_deduction({"环境整洁": "否"}) == 0.0
    assert total_deduction([]) == 0.0
