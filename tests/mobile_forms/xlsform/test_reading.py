"""XLSForm import: the supported subset read from real .xlsx files; anything else refused row by row, whole."""

import io

import openpyxl
import pytest

from geo.models import HotspotCategory
from mobile_forms.models import Checklist, ChecklistVersion
from mobile_forms.services import xlsform_import
from mobile_forms.xlsform import XLSFormError, read_xlsform
from tests.mobile_forms.xlsforms import BAD_CHOICES, BAD_PROBLEMS, BAD_SURVEY, supported_workbook, workbook

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
        "constraint": None,
        "required_message": "",
        "required_message_en": "",
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


def test_a_workbook_with_unsupported_features_is_refused_with_one_message_per_row(tmp_path):
    path = workbook(tmp_path / "bad.xlsx", survey=BAD_SURVEY, choices=BAD_CHOICES)
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(path)
    assert caught.value.messages == BAD_PROBLEMS
    assert [(p.sheet, p.row) for p in caught.value.problems][:3] == [("survey", 3), ("survey", 6), ("survey", 7)]


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
            [
                "survey sheet: pyxform refuses it: There should be a choices sheet in this xlsform. Please ensure that "
                "the choices sheet has the mandatory columns 'list_name', 'name', and 'label'."
            ],
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
def test_importing_makes_a_checklist_then_new_versions_and_skips_an_identical_file(tmp_path):
    category = HotspotCategory.objects.get(code="construction_site")
    path = supported_workbook(tmp_path / "site.xlsx")
    version, created, _warnings = xlsform_import(source=path, category=category, filename="site.xlsx")
    assert created and version.number == 1
    assert (version.checklist.code, version.checklist.phase_kind, version.label, version.title, version.source) == (
        "site_check",
        "",
        "2026010101",
        "工地检查表",
        "XLSForm site.xlsx",
    )
    again, created, _warnings = xlsform_import(source=path, category=category)
    assert not created and again.pk == version.pk

    book = openpyxl.load_workbook(path)
    book["survey"]["I4"] = 3  # hoarding_intact now costs 3 points
    book.save(path)
    second, created, _warnings = xlsform_import(source=path, category=category)
    assert created and second.number == 2 and second.questions[1]["deduction"] == 3.0

    phase, created, _warnings = xlsform_import(source=path, category=category, phase_kind="acceptance", publish=False)
    assert created and phase.checklist.code == "construction_site-acceptance" and phase.number is None
