"""XLSForms of the kinds people share (ODK and KoboToolbox styles), read through pyxform: stored, warned, refused."""

import io
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import call_command

from geo.models import HotspotCategory
from mobile_forms.models import Checklist, ChecklistVersion
from mobile_forms.services import xlsform_import
from mobile_forms.xlsform import XLSFormError, read_xlsform, write_xlsform

YN = [["list_name", "name", "label"], ["yn", "yes", "是"], ["yn", "no", "否"]]


def book(**sheets) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refused(data: bytes) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(data)
    return caught.value.messages


def by_name(form) -> dict:
    return {item["name"]: item for item in form.questions}


KOBO = book(
    survey=[
        [
            "type",
            "name",
            "label::English (en)",
            "label::Chinese (zh)",
            "hint::English (en)",
            "required",
            "appearance",
            "$kuid",
            "$autoname",
        ],
        ["start", "start", None, None, None, None, None, "k1", "start"],
        ["today", "today", None, None, None, None, None, "k2", "today"],
        [
            "select_one yn",
            "clean",
            "No litter",
            "无暴露垃圾",
            "Look under benches",
            "true",
            "horizontal",
            "k3",
            "clean",
        ],
        ["integer", "bins", "Bins", "垃圾桶数", None, "false", None, "k4", "bins"],
        ["end", "end", None, None, None, None, None, "k5", "end"],
    ],
    choices=[
        ["list_name", "name", "label::English (en)", "label::Chinese (zh)", "$kuid"],
        ["yn", "yes", "Yes", "是", "c1"],
        ["yn", "no", "No", "否", "c2"],
    ],
    settings=[["form_title", "version", "default_language"], ["Bus stops", "vKx7", "English (en)"]],
)


def test_kobo_style_language_columns_and_kuids():
    form = read_xlsform(KOBO)
    clean, bins = form.questions
    assert (clean["type"], clean["label"], clean["label_en"], clean["hint_en"], clean["required"]) == (
        "yes_no",
        "无暴露垃圾",
        "No litter",
        "Look under benches",
        True,
    )
    assert [c["label"] for c in clean["choices"]] == ["是", "否"] and clean["choices"][1]["fails"]
    assert (bins["type"], bins["required"]) == ("integer", False)
    assert [str(w) for w in form.warnings] == ["survey sheet, row 4: “appearance” is ignored"]
    # A plain title is in the default language (English here), which stands in for the Chinese one.
    assert (form.title, form.title_en, form.version) == ("Bus stops", "Bus stops", "vKx7")


def test_odk_single_colon_language_columns():
    data = book(
        survey=[
            ["type", "name", "label:English", "label:Chinese", "hint:English", "hint:Chinese"],
            ["text", "remarks", "Remarks", "备注", "Anything else", "其他情况"],
        ],
    )
    item = read_xlsform(data).questions[0]
    assert (item["label"], item["label_en"], item["hint"], item["hint_en"]) == (
        "备注",
        "Remarks",
        "其他情况",
        "Anything else",
    )


def test_a_language_that_is_neither_chinese_nor_english_is_warned_about():
    data = book(survey=[["type", "name", "label::English (en)", "label::French (fr)"], ["text", "a", "Street", "Rue"]])
    form = read_xlsform(data)
    assert (form.questions[0]["label"], form.questions[0]["label_en"]) == ("Street", "Street")
    assert [str(w) for w in form.warnings] == [
        "survey sheet: the languages French (fr) are neither Chinese nor English and are ignored"
    ]


def test_legacy_type_spellings():
    data = book(
        survey=[
            ["type", "name", "label"],
            ["select one from yn", "a", "甲"],
            ["select all that apply from kinds", "b", "乙"],
            ["select_multiple kinds", "c", "丙"],
            ["phone number", "phone", "电话"],
            ["int", "n", "数"],
            ["string", "s", "文"],
            ["location", "where", "位置"],
            ["photo", "pic", "照片"],
            ["q note", "n2", "说明"],
            ["deviceid", "device", None],
        ],
        choices=[*YN, ["kinds", "x", "甲种"], ["kinds", "y", "乙种"]],
    )
    questions = by_name(read_xlsform(data))
    assert {name: item["type"] for name, item in questions.items()} == {
        "a": "yes_no",
        "b": "select_many",
        "c": "select_many",
        "phone": "text",
        "n": "integer",
        "s": "text",
        "where": "geopoint",
        "pic": "photo",
        "n2": "note",
    }
    assert questions["phone"]["constraint"]["pattern"] == r"^\d*$"


def test_groups_become_sections_and_a_groups_condition_passes_to_its_questions():
    data = book(
        survey=[
            ["type", "name", "label::zh", "label::en", "relevant", "appearance"],
            ["select_one yn", "open", "营业中", "Open", None, None],
            ["begin group", "outside", "外部", "Outside", "${open} = 'yes'", "field-list"],
            ["select_one yn", "sign", "门头整洁", "Sign tidy", None, None],
            ["begin_group", "walls", "墙面", "Walls", None, None],
            ["select_one yn", "ads", "无小广告", "No flyers", None, None],
            ["end_group", None, None, None, None, None],
            ["select_one yn", "steps", "台阶完好", "Steps intact", None, None],
            ["end group", None, None, None, None, None],
            ["begin group", "nolabel", None, None, None, "field-list"],
            ["text", "remarks", "备注", "Remarks", None, None],
            ["end group", None, None, None, None, None],
        ],
        choices=YN,
    )
    form = read_xlsform(data)
    assert [item["name"] for item in form.questions] == ["open", "sign", "ads", "steps", "remarks"]
    assert by_name(form)["ads"]["relevant"] == {"question": "open", "value": "yes"}
    assert by_name(form)["remarks"]["relevant"] is None
    assert form.sections == [
        {"name": "outside", "label": "外部", "label_en": "Outside", "questions": ["sign"]},
        {"name": "walls", "label": "外部 › 墙面", "label_en": "Outside › Walls", "questions": ["ads"]},
        {"name": "outside-2", "label": "外部", "label_en": "Outside", "questions": ["steps"]},
    ]
    assert [str(w) for w in form.warnings] == [
        "survey sheet, row 3: “appearance” is ignored",
        "survey sheet, row 10: “appearance” is ignored",
    ]


def test_a_condition_on_both_a_group_and_its_question_is_refused():
    data = book(
        survey=[
            ["type", "name", "label", "relevant"],
            ["select_one yn", "a", "甲", None],
            ["begin group", "g", "组", "${a} = 'yes'"],
            ["text", "b", "乙", "${a} = 'no'"],
            ["end group", None, None, None],
        ],
        choices=YN,
    )
    assert refused(data) == [
        "survey sheet, row 4: the conditions “${a} = 'yes'”, “${a} = 'no'” (of the question and its groups) "
        "cannot be combined"
    ]


def test_or_other_adds_the_option_and_its_text_question():
    data = book(
        survey=[["type", "name", "label"], ["select_one kinds or_other", "kind", "种类"]],
        choices=[["list_name", "name", "label"], ["kinds", "x", "甲种"]],
    )
    kind, other = read_xlsform(data).questions
    assert [(c["value"], c["label"], c["label_en"]) for c in kind["choices"]] == [
        ("x", "甲种", ""),
        ("other", "其他", "Other"),
    ]
    assert (other["name"], other["type"], other["relevant"]) == (
        "kind_other",
        "text",
        {"question": "kind", "value": "other"},
    )


def test_notes_hints_constraints_and_required_messages():
    data = book(
        survey=[
            [
                "type",
                "name",
                "label",
                "hint",
                "required",
                "required_message::zh",
                "required_message::en",
                "constraint",
                "constraint_message::zh",
                "constraint_message::en",
            ],
            ["note", "intro", "请逐项检查", "从入口开始", None, None, None, None, None, None],
            ["integer", "bins", "垃圾桶数", None, "yes", "必须填写", "Required", ". >= 0 and . <= 20", "0–20", "0–20"],
            ["integer", "staff", "保洁员", None, None, None, None, ". > 0", None, None],
            ["decimal", "area", "面积", None, None, None, None, "0 <= .", None, None],
            ["text", "plate", "车牌", None, None, None, None, "regex(., '^[A-Z0-9]{5,7}$')", "车牌格式", None],
            ["text", "short", "简述", None, None, None, None, "string-length(.) <= 20", None, None],
            ["decimal", "ratio", "比例", None, None, None, None, ". > 0", None, None],
            ["date", "since", "日期", None, None, None, None, ". <= today()", None, None],
            ["text", "opt", "可选", None, None, "不会显示", None, None, None, None],
        ],
    )
    form = read_xlsform(data)
    q = by_name(form)
    assert (q["intro"]["type"], q["intro"]["hint"]) == ("note", "从入口开始")
    assert q["bins"]["constraint"] == {"min": 0, "max": 20, "pattern": None, "message": "0–20", "message_en": "0–20"}
    assert (q["bins"]["required_message"], q["bins"]["required_message_en"]) == ("必须填写", "Required")
    assert q["staff"]["constraint"]["min"] == 1
    assert (q["area"]["constraint"]["min"], q["area"]["constraint"]["max"]) == (0.0, None)
    assert (q["plate"]["constraint"]["pattern"], q["plate"]["constraint"]["message"]) == ("^[A-Z0-9]{5,7}$", "车牌格式")
    assert q["short"]["constraint"]["pattern"] == r"^[\s\S]{0,20}$"
    assert q["ratio"]["constraint"] is None and q["since"]["constraint"] is None
    assert q["opt"]["required_message"] == ""
    assert [str(w) for w in form.warnings] == [
        "survey sheet, row 8: the constraint “. > 0” cannot be held by a Decimal number question and is ignored",
        "survey sheet, row 9: the constraint “. <= today()” cannot be held by a Date question and is ignored",
        "survey sheet, row 10: “required_message” without “required” is ignored",
    ]


def test_appearance_media_and_unused_calculations_are_dropped_with_a_warning_per_row():
    data = book(
        survey=[
            ["type", "name", "label", "appearance", "media::image", "calculation", "guidance_hint", "default"],
            ["select_one yn", "clean", "整洁", "minimal", "clean.png", None, None, None],
            ["calculate", "total", None, None, None, "1 + 1", None, None],
            ["integer", "n", "数量", None, None, None, "数一数", "0"],
        ],
        choices=[
            ["list_name", "name", "label", "media::image"],
            ["yn", "yes", "是", "yes.png"],
            ["yn", "no", "否", None],
        ],
    )
    form = read_xlsform(data)
    assert [item["name"] for item in form.questions] == ["clean", "n"]
    assert [str(w) for w in form.warnings] == [
        "survey sheet, row 2: “appearance” is ignored; “media” is ignored",
        "survey sheet, row 3: the calculation “total” is not used by a condition and is dropped",
        "survey sheet, row 4: “guidance_hint” is ignored; “default” is ignored",
        "choices sheet, row 2: “media” is ignored",
    ]


# Survey rows after a first question "a" (integer), with the columns type, name, label, calculation, choice_filter,
# relevant.
@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        (
            [["begin repeat", "rooms", "房间"], ["text", "room", "房间名"], ["end repeat"]],
            {},
            "survey sheet, row 3: repeats are not supported: a checklist asks each question once",
        ),
        (
            [["select_one_from_file streets.csv", "street", "街道"]],
            {},
            "survey sheet, row 3: choices from an external file or sheet are not supported",
        ),
        (
            [["select_one_external streets", "street", "街道"]],
            {"external_choices": [["list_name", "name", "label"], ["streets", "a", "甲街"]]},
            "survey sheet, row 3: choices from an external file or sheet are not supported",
        ),
        (
            [["select_one yn", "b", "乙", None, "name = ${a}"]],
            {},
            "survey sheet, row 3: filtered choice lists (“choice_filter”) are not supported",
        ),
        (
            [["calculate", "c", None, "${a} + 1"], ["text", "d", "丁", None, None, "${c} > 2"]],
            {},
            "survey sheet, row 4: the condition “${c} > 2” depends on the calculation “c”, which cannot be evaluated",
        ),
        (
            [["text", "d", "丁", None, None, "${a} > 2 or ${a} = 0"]],
            {},
            "survey sheet, row 3: the condition “${a} > 2 or ${a} = 0” cannot be evaluated "
            "(only ${question} = 'value' or selected(${question}, 'value'))",
        ),
        ([["audio", "voice", "录音"]], {}, "survey sheet, row 3: the question type “audio” is not supported"),
    ],
)
def test_what_would_change_the_meaning_is_refused_with_its_row(rows, extra, message):
    survey = [["type", "name", "label", "calculation", "choice_filter", "relevant"], ["integer", "a", "甲"], *rows]
    assert refused(book(survey=survey, choices=YN, **extra)) == [message]


def test_pyxform_errors_name_their_row():
    data = book(survey=[["type", "name", "label"], ["text", "a", "甲"], ["text", "a", "重复"]])
    [message] = refused(data)
    assert message.startswith("survey sheet, row 3: pyxform refuses it:")


def test_a_version_with_sections_and_constraints_survives_a_round_trip(tmp_path):
    data = book(
        survey=[
            ["type", "name", "label::zh", "label::en", "constraint", "required", "required_message::zh"],
            ["begin group", "site", "工地", "Site", None, None, None],
            ["integer", "n", "数量", "Count", ". >= 1 and . <= 9", "yes", "请填写"],
            ["text", "plate", "车牌", "Plate", "regex(., '^[A-Z]+$')", None, None],
            ["end group", None, None, None, None, None, None],
        ],
    )
    form = read_xlsform(data)

    version = SimpleNamespace(
        questions=form.questions,
        sections=form.sections,
        title="检查表",
        title_en="",
        label="",
        checklist=SimpleNamespace(code="site"),
    )
    again = read_xlsform(write_xlsform(version))
    assert (again.questions, again.sections) == (form.questions, form.sections)


# ------------------------------------------------------------------ through the import service and the command
@pytest.mark.django_db
def test_an_import_stores_sections_and_returns_the_warnings():
    category = HotspotCategory.objects.get(code="construction_site")
    data = book(
        survey=[
            ["type", "name", "label", "appearance"],
            ["begin group", "g", "围挡", None],
            ["select_one yn", "intact", "围挡完好", "horizontal"],
            ["end group", None, None, None],
        ],
        choices=YN,
    )
    version, created, warnings = xlsform_import(source=io.BytesIO(data), category=category)
    assert created and version.sections == [{"name": "g", "label": "围挡", "label_en": "", "questions": ["intact"]}]
    assert [str(w) for w in warnings] == ["survey sheet, row 3: “appearance” is ignored"]


@pytest.mark.django_db
def test_a_refused_form_stores_nothing():
    category = HotspotCategory.objects.get(code="construction_site")
    data = book(
        survey=[["type", "name", "label"], ["text", "ok", "好"], ["begin repeat", "r", "重复"], ["end repeat"]],
    )
    with pytest.raises(XLSFormError):
        xlsform_import(source=io.BytesIO(data), category=category)
    assert (Checklist.objects.count(), ChecklistVersion.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_the_command_prints_the_warnings(tmp_path: Path):
    path = tmp_path / "kobo.xlsx"
    path.write_bytes(KOBO)
    out = io.StringIO()
    call_command("import_xlsform", str(path), "--category", "bus_stop", stdout=out, stderr=io.StringIO())
    assert "Dropped: survey sheet, row 4: “appearance” is ignored" in out.getvalue()


@pytest.mark.django_db
def test_an_answer_outside_an_imported_constraint_is_refused_with_its_message():
    from django.core.exceptions import ValidationError

    from mobile_forms.answers import snapshot

    category = HotspotCategory.objects.get(code="construction_site")
    data = book(
        survey=[
            ["type", "name", "label", "constraint", "constraint_message"],
            ["integer", "bins", "垃圾桶数", ". >= 0 and . <= 20", "0 到 20 个"],
            ["phone number", "phone", "电话", None, None],
        ],
    )
    version, _created, _warnings = xlsform_import(source=io.BytesIO(data), category=category)
    assert snapshot(version, {"bins": 20, "phone": "01088"})[0]["value"] == 20
    with pytest.raises(ValidationError) as caught:
        snapshot(version, {"bins": 21, "phone": "010-88"})
    assert caught.value.message_dict["answers.bins"] == ["0 到 20 个"]
    assert caught.value.message_dict["answers.phone"] == ["The answer is outside what this question accepts."]
