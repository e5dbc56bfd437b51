"""Real .xlsx workbooks for the XLSForm tests, written with openpyxl, and small checklist builders."""

from pathlib import Path

import openpyxl

from mobile_forms.models.questions import QuestionType as T
from mobile_forms.models.questions import choice, question


def workbook(path: Path, **sheets: list[list]) -> Path:
    """Write `path` with one sheet per keyword (its rows, the first being the header), in the given order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# Every supported type, both spellings of the language columns, conditions of both forms, deductions and fails.
SUPPORTED_SURVEY = [
    [
        "type",
        "name",
        "label::Chinese (zh)",
        "label::English (en)",
        "hint::zh",
        "hint::en",
        "required",
        "relevant",
        "deduction",
        "appearance",
        "$kuid",
    ],
    ["start", "start", None, None, None, None, None, None, None, None, "a1"],
    ["note", "intro", "请逐项检查", "Check every item", None, None, None, None, None, None, "a2"],
    [
        "select_one yes_no",
        "hoarding_intact",
        "围挡完好",
        "Hoarding intact",
        "看四周",
        "Walk around",
        "yes",
        None,
        2,
        None,
        "a3",
    ],
    [
        "decimal",
        "damage_m",
        "破损长度（米）",
        "Damaged length (m)",
        None,
        None,
        True,
        "${hoarding_intact} = 'no'",
        None,
        "numbers",
        "a4",
    ],
    [
        "select_one publicity",
        "publicity",
        "公益广告",
        "Campaign posters",
        None,
        None,
        "TRUE()",
        None,
        "1.5",
        None,
        "a5",
    ],
    ["select_multiple measures", "measures", "降尘措施", "Dust control", None, None, "no", None, None, "minimal", "a6"],
    [
        "integer",
        "trucks",
        "渣土车数量",
        "Muck trucks",
        None,
        None,
        None,
        "selected(${measures}, 'closed_trucks')",
        None,
        None,
        "a7",
    ],
    ["text", "remarks", "其他说明", None, None, None, None, None, None, None, "a8"],
    ["date", "last_check", "最近自查日期", "Last self-inspection", None, None, None, None, None, None, "a9"],
    ["image", "overview", "全景照片", "Overview photo", None, None, "yes", None, None, None, "a10"],
    ["geopoint", "spot", "问题位置", "Problem location", None, None, None, None, None, None, "a11"],
    ["end", "end", None, None, None, None, None, None, None, None, "a12"],
]
SUPPORTED_CHOICES = [
    ["list_name", "name", "label::Chinese (zh)", "label::English (en)", "fails"],
    ["yes_no", "yes", "是", "Yes", None],
    ["yes_no", "no", "否", "No", None],
    ["publicity", "proper", "规范", "Proper", "no"],
    ["publicity", "improper", "不规范", "Improper", "yes"],
    ["measures", "wheel_wash", "车辆冲洗", "Wheel washing", None],
    ["measures", "closed_trucks", "密闭运输", "Covered trucks", None],
]
SUPPORTED_SETTINGS = [
    ["form_id", "form_title", "form_title::en", "version", "default_language"],
    ["site_check", "工地检查表", "Site checklist", 2026010101, "Chinese (zh)"],
]


def supported_workbook(path: Path) -> Path:
    return workbook(path, survey=SUPPORTED_SURVEY, choices=SUPPORTED_CHOICES, settings=SUPPORTED_SETTINGS)


def all_types_questions() -> list[dict]:
    """A checklist with one question of each type, two conditions and deductions."""
    return [
        question("intro", T.NOTE, "请逐项检查", label_en="Check every item"),
        question("clean", T.YES_NO, "无暴露垃圾", label_en="No exposed garbage", required=True, deduction=2),
        question(
            "garbage_kind",
            T.SELECT_ONE,
            "垃圾类型",
            label_en="Kind of garbage",
            required=True,
            relevant={"question": "clean", "value": "no"},
            deduction=1,
            choices=[
                choice("household", "生活垃圾", "Household", fails=True),
                choice("leaves", "落叶", "Leaves"),
            ],
        ),
        question(
            "facilities",
            T.SELECT_MANY,
            "设施缺损",
            label_en="Damaged facilities",
            deduction=1.5,
            choices=[
                choice("seat", "座椅", "Seat", fails=True),
                choice("roof", "顶棚", "Roof", fails=True),
                choice("fine", "完好", "Fine"),
            ],
        ),
        question(
            "seat_count",
            T.INTEGER,
            "损坏座椅数",
            label_en="Broken seats",
            required=True,
            relevant={"question": "facilities", "value": "seat"},
        ),
        question("area", T.DECIMAL, "面积（平方米）", label_en="Area (m²)"),
        question("remarks", T.TEXT, "说明", label_en="Remarks"),
        question("since", T.DATE, "发现日期", label_en="Seen since"),
        question("photo", T.PHOTO, "照片", label_en="Photo", required=True),
        question("spot", T.GEOPOINT, "位置", label_en="Where"),
    ]


def publish(questions=None, *, category="bus_stop", phase_kind="", title="公交站检查表", label="2026.1", user=None):
    """Publish a version of the category's checklist through the services."""
    from geo.categories import ensure_default_categories
    from geo.models import HotspotCategory
    from mobile_forms.services import checklist_get_or_create, version_create

    ensure_default_categories()
    checklist, _ = checklist_get_or_create(category=HotspotCategory.objects.get(code=category), phase_kind=phase_kind)
    version, _ = version_create(
        checklist=checklist,
        questions=questions if questions is not None else all_types_questions(),
        title=title,
        title_en="Checklist",
        label=label,
        user=user,
    )
    return version


# A workbook pyxform accepts with what would change the meaning, refused row by row (reading, the admin, the command).
BAD_SURVEY = [
    [
        "type",
        "name",
        "label",
        "label::English (en)",
        "required",
        "relevant",
        "choice_filter",
        "calculation",
        "deduction",
    ],
    ["begin group", "site", "工地", "Site", None, "${workers} > 3", None, None, None],
    ["integer", "workers", "工人数", "Workers", None, None, None, None, None],
    ["end group", None, None, None, None, None, None, None, None],
    ["calculate", "score", None, None, None, None, None, "${workers} * 2", None],
    ["text", "why", "原因", None, None, "${score} > 3", None, None, None],
    ["begin_repeat", "rooms", "房间", None, None, None, None, None, None],
    ["text", "room", "房间名", None, None, None, None, None, None],
    ["end_repeat", None, None, None, None, None, None, None, None],
    ["time", "at", "时间", None, None, None, None, None, None],
    ["select_one_from_file streets.csv", "street", "街道", None, None, None, None, None, None],
    ["select_one grade", "grade", "等级", None, None, None, "name != 'ok'", None, None],
    ["text", "cond", "条件必填", None, "${grade} = 'ok'", None, None, None, None],
    ["integer", "count", "数量", None, None, None, None, None, 2],
    ["text", "good", "这一行没有问题", "This row is fine", "no", None, None, None, None],
]
BAD_CHOICES = [
    ["list_name", "name", "label"],
    ["grade", "ok", "合格"],
    ["grade", "fine", "良好"],
]
BAD_PROBLEMS = [
    "survey sheet, row 3: the condition “${workers} > 3” cannot be evaluated "
    "(only ${question} = 'value' or selected(${question}, 'value'))",
    "survey sheet, row 6: the condition “${score} > 3” depends on the calculation “score”, which cannot be evaluated",
    "survey sheet, row 7: repeats are not supported: a checklist asks each question once",
    "survey sheet, row 10: the question type “time” is not supported",
    "survey sheet, row 11: choices from an external file or sheet are not supported",
    "survey sheet, row 12: filtered choice lists (“choice_filter”) are not supported",
    "survey sheet, row 13: a condition on “required” (“${grade} = 'ok'”) is not supported (only yes or no)",
    "survey sheet, row 14: only yes/no and select questions carry a deduction",
]
