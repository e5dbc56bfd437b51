"""XLSForm import: the supported subset read from real .xlsx files; anything else refused row by row, whole."""

import io

import openpyxl
import pytest

from fixtures.checklists import load_checklists
from geo.models import HotspotCategory
from mobile_forms.models import Checklist, ChecklistVersion
from mobile_forms.services import xlsform_import
from mobile_forms.xlsform import XLSFormError, read_xlsform, write_xlsform
from tests.mobile_forms.xlsforms import supported_workbook, workbook

YES_NO = [
    {"value": "yes", "label": "是", "label_en": "Yes", "fails": False},
    {"value": "no", "label": "否", "label_en": "No", "fails": True},
]


def q(name, type, label, label_en="", **fields):
    item = {
        "name": name,
        "type": type,
        "label": label,
        "label_en": label_en,
        "hint": "",
        "hint_en": "",
        "required": False,
        "relevant": None,
        "choices": [],
        "deduction": None,
    }
    item.update(fields)
    return item


def test_a_workbook_with_every_supported_type_is_read(tmp_path):
    form = read_xlsform(supported_workbook(tmp_path / "site.xlsx"))
    assert (form.form_id, form.title, form.title_en, form.version) == (
        "site_check",
        "工地检查表",
        "Site checklist",
        "2026010101",
    )
    assert form.questions == [
        q("intro", "note", "请逐项检查", "Check every item"),
        q(
            "hoarding_intact",
            "yes_no",
            "围挡完好",
            "Hoarding intact",
            hint="看四周",
            hint_en="Walk around",
            required=True,
            choices=YES_NO,
            deduction=2.0,
        ),
        q(
            "damage_m",
            "decimal",
            "破损长度（米）",
            "Damaged length (m)",
            required=True,
            relevant={"question": "hoarding_intact", "value": "no"},
        ),
        q(
            "publicity",
            "select_one",
            "公益广告",
            "Campaign posters",
            required=True,
            choices=[
                {"value": "proper", "label": "规范", "label_en": "Proper", "fails": False},
                {"value": "improper", "label": "不规范", "label_en": "Improper", "fails": True},
            ],
            deduction=1.5,
        ),
        q(
            "measures",
            "select_many",
            "降尘措施",
            "Dust control",
            choices=[
                {"value": "wheel_wash", "label": "车辆冲洗", "label_en": "Wheel washing", "fails": False},
                {"value": "closed_trucks", "label": "密闭运输", "label_en": "Covered trucks", "fails": False},
            ],
        ),
        q(
            "trucks",
            "integer",
            "渣土车数量",
            "Muck trucks",
            relevant={"question": "measures", "value": "closed_trucks"},
        ),
        q("remarks", "text", "其他说明"),
        q("last_check", "date", "最近自查日期", "Last self-inspection"),
        q("overview", "photo", "全景照片", "Overview photo", required=True),
        q("spot", "geopoint", "问题位置", "Problem location"),
    ]
    # Metadata rows (start, end) are skipped; rows keep their spreadsheet numbers.
    assert form.rows["intro"] == 3 and form.rows["spot"] == 12


def test_language_columns_plain_label_is_chinese_and_english_stands_in_alone(tmp_path):
    path = workbook(
        tmp_path / "labels.xlsx",
        survey=[
            ["Type", "Name", "Label", "Label::en", "Hint::Chinese (zh)", "label::zh-Hans"],
            ["text", "a", "甲", "A", "提示", None],
            ["text", "b", None, "Only English", None, None],
            ["text", "c", "丙（普通）", None, None, "丙"],
        ],
    )
    questions = read_xlsform(path).questions
    assert [(x["label"], x["label_en"], x["hint"]) for x in questions] == [
        ("甲", "A", "提示"),
        ("Only English", "Only English", ""),
        ("丙", "", ""),
    ]


def test_a_select_one_on_a_yes_no_list_of_any_name_is_a_yes_no_question(tmp_path):
    path = workbook(
        tmp_path / "yn.xlsx",
        survey=[
            ["type", "name", "label", "deduction"],
            ["select one ok", "tidy", "整洁", "1"],
            ["select_multiple ok", "both", "两者", None],
        ],
        choices=[
            ["list name", "name", "label::zh", "label::en"],
            ["ok", "no", "不符合", "No"],
            ["ok", "yes", "符合", "Yes"],
        ],
    )
    tidy, both = read_xlsform(path).questions
    assert tidy["type"] == "yes_no" and tidy["deduction"] == 1.0
    assert tidy["choices"] == [
        {"value": "yes", "label": "符合", "label_en": "Yes", "fails": False},
        {"value": "no", "label": "不符合", "label_en": "No", "fails": True},
    ]
    assert both["type"] == "select_many"


BAD_SURVEY = [
    [
        "type",
        "name",
        "label",
        "label::English (en)",
        "label::French (fr)",
        "required",
        "relevant",
        "constraint",
        "calculation",
        "deduction",
    ],
    ["begin group", "site", "工地", None, None, None, None, None, None, None],
    ["integer", "workers", "工人数", "Workers", None, None, None, ". > 0", None, None],
    ["calculate", "score", None, None, None, None, None, None, "${workers} * 2", None],
    ["select_one sizes", "size", "规模", None, None, None, None, None, None, None],
    ["text", "why", "原因", None, None, None, "${workers} > 3", None, None, None],
    ["end group", None, None, None, None, None, None, None, None, None],
    ["begin_repeat", "rooms", "房间", None, None, None, None, None, None, None],
    ["time", "at", "时间", None, None, None, None, None, None, None],
    ["rating", "stars", "评分", None, None, None, None, None, None, None],
    ["note", "intro", "说明", None, None, "yes", None, None, None, None],
    ["integer", "count", "数量", None, None, None, None, None, None, 2],
    ["select_one yes_no", "clean", "整洁", "Clean", "Propre", None, None, None, None, None],
    ["text", None, "无名", None, None, None, None, None, None, None],
    ["acknowledge", "ok", "确认", None, None, None, None, None, None, None],
    ["select_one yes_no or_other", "other", "其他", None, None, None, None, None, None, None],
    ["text", "count", "重复", None, None, None, None, None, None, None],
    ["text", "cond", "条件必填", None, None, "${clean} = 'no'", None, None, None, None],
    ["decimal", "fine", "罚款", None, None, None, None, None, None, "x"],
    ["select_multiple colors", "colors", "颜色", None, None, None, None, None, None, None],
    ["text", "which", "哪个", None, None, None, "${colors} = 'red'", None, None, None],
    ["text", "good", "这一行没有问题", "This row is fine", None, "no", None, None, None, None],
    ["select_one grade", "grade", "等级", None, None, None, None, None, None, 3],
    ["text", "later", "后面", None, None, None, "${grade} = 'ok'", None, None, None],
]
BAD_CHOICES = [
    ["list_name", "name", "label", "fails", "media::image"],
    ["yes_no", "yes", "是", "yes", None],
    ["yes_no", "no", "否", None, None],
    ["colors", "red", "红", None, "red.png"],
    ["colors", "red", "红色", None, None],
    ["colors", "blue", None, "maybe", None],
    ["grade", "ok", "合格", None, None],
    ["grade", "fine", "良好", None, None],
]
BAD_PROBLEMS = [
    "survey sheet, row 2: groups (“begin group”) are not supported",
    "survey sheet, row 3: the column “constraint” is not supported",
    "survey sheet, row 4: calculations (“calculate”) are not supported",
    "survey sheet, row 5: the choice list “sizes” is missing from the choices sheet",
    "survey sheet, row 6: the condition “${workers} > 3” is not supported "
    "(only ${question} = 'value' or selected(${question}, 'value'))",
    "survey sheet, row 7: groups (“end group”) are not supported",
    "survey sheet, row 8: repeats (“begin_repeat”) are not supported",
    "survey sheet, row 9: the question type “time” is not supported",
    "survey sheet, row 10: “rating” is not a question type",
    "survey sheet, row 11: a note takes no answer and cannot be required",
    "survey sheet, row 12: only yes/no and select questions carry a deduction",
    "survey sheet, row 13: the column “label::French (fr)” is not supported",
    "survey sheet, row 14: no name",
    "survey sheet, row 15: the question type “acknowledge” is not supported (use select_one with a yes/no list)",
    "survey sheet, row 16: “or_other” is not supported",
    "survey sheet, row 17: the name “count” is already used in row 12",
    "survey sheet, row 18: required “${clean} = 'no'” is not supported (only yes or no)",
    "survey sheet, row 19: the deduction “x” is not a number",
    "survey sheet, row 21: the condition “${colors} = 'red'” does not fit the type of “colors” "
    "(write selected(${colors}, 'red'))",
    "survey sheet, row 23: a deduction needs at least one choice marked as failing",
    "choices sheet, row 2: in a yes/no list only “no” can fail: phrase the question so that “yes” is compliant",
    "choices sheet, row 4: the column “media::image” is not supported",
    "choices sheet, row 5: the choice “red” appears twice in the list “colors”",
    "choices sheet, row 6: no label; fails “maybe” is not yes or no",
]


def test_a_workbook_with_unsupported_features_is_refused_with_one_message_per_row(tmp_path):
    path = workbook(tmp_path / "bad.xlsx", survey=BAD_SURVEY, choices=BAD_CHOICES)
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(path)
    assert caught.value.messages == BAD_PROBLEMS
    assert [(p.sheet, p.row) for p in caught.value.problems][:3] == [("survey", 2), ("survey", 3), ("survey", 4)]


@pytest.mark.django_db
def test_nothing_is_half_imported(tmp_path):
    path = workbook(tmp_path / "bad.xlsx", survey=BAD_SURVEY, choices=BAD_CHOICES)
    with pytest.raises(XLSFormError):
        xlsform_import(source=path, category=HotspotCategory.objects.get(code="construction_site"))
    assert (Checklist.objects.count(), ChecklistVersion.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("sheets", "problems"),
    [
        (
            {"form": [["type", "name", "label"], ["text", "a", "甲"]]},
            ["survey sheet: the workbook has no survey sheet"],
        ),
        (
            {"survey": [["type", "name", "label"], ["select_one fruit", "a", "甲"]]},
            ["survey sheet, row 2: the choice list “fruit” is missing from the workbook (it has no choices sheet)"],
        ),
        (
            {"survey": [["type", "name", "label"], ["start", "start", None], ["note", "n", "说明"]]},
            ["survey sheet: a checklist needs at least one question that takes an answer"],
        ),
        (
            {"survey": [["type", "name", "label"], ["text", "a", "甲"], ["text", "b", "乙", "extra"]]},
            [],
        ),
    ],
)
def test_workbook_level_problems(tmp_path, sheets, problems):
    path = workbook(tmp_path / "w.xlsx", **sheets)
    if not problems:
        assert [x["name"] for x in read_xlsform(path).questions] == ["a", "b"]
        return
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(path)
    assert caught.value.messages == problems


def test_a_file_that_is_not_xlsx_is_refused(tmp_path):
    for source in (b"type,name,label\ntext,a,A\n", io.BytesIO(b"PK\x03\x04 broken zip")):
        with pytest.raises(XLSFormError) as caught:
            read_xlsform(source)
        assert caught.value.messages == ["workbook sheet: this is not an .xlsx workbook (save it from Excel as .xlsx)"]


def test_too_many_rows_are_refused(tmp_path):
    rows = [["type", "name", "label"]] + [["text", f"q{n}", f"问题{n}"] for n in range(2001)]
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(workbook(tmp_path / "big.xlsx", survey=rows))
    assert caught.value.messages == ["survey sheet: more than 2000 rows"]


@pytest.mark.django_db
def test_every_demo_checklist_survives_a_round_trip_through_xlsform():
    load_checklists()
    for version in ChecklistVersion.objects.select_related("checklist"):
        data = write_xlsform(version)
        assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["survey", "choices", "settings"]
        form = read_xlsform(data)
        assert form.questions == version.questions, version
        assert (form.form_id, form.title, form.title_en, form.version) == (
            version.checklist.code,
            version.title,
            version.title_en,
            version.label,
        )


@pytest.mark.django_db
def test_importing_makes_a_checklist_then_new_versions_and_skips_an_identical_file(tmp_path):
    category = HotspotCategory.objects.get(code="construction_site")
    path = supported_workbook(tmp_path / "site.xlsx")
    version, created = xlsform_import(source=path, category=category, filename="site.xlsx")
    assert created and version.number == 1
    assert (version.checklist.code, version.checklist.phase_kind, version.label, version.title, version.source) == (
        "site_check",
        "",
        "2026010101",
        "工地检查表",
        "XLSForm site.xlsx",
    )
    again, created = xlsform_import(source=path, category=category)
    assert not created and again.pk == version.pk

    book = openpyxl.load_workbook(path)
    book["survey"]["I4"] = 3  # hoarding_intact now costs 3 points
    book.save(path)
    second, created = xlsform_import(source=path, category=category)
    assert created and second.number == 2 and second.questions[1]["deduction"] == 3.0

    phase, created = xlsform_import(source=path, category=category, phase_kind="acceptance", publish=False)
    assert created and phase.checklist.code == "construction_site-acceptance" and phase.number is None
