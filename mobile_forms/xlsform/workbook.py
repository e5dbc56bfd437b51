"""The XLSForm subset's vocabulary: sheets, question types, words and languages, and the problems of a workbook."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mobile_forms.models.questions import QuestionType

MAX_ROWS = 2000
SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
SHEET_ORDER = {SETTINGS: 0, SURVEY: 1, CHOICES: 2}

SIMPLE_TYPES = {
    "integer": QuestionType.INTEGER,
    "int": QuestionType.INTEGER,
    "decimal": QuestionType.DECIMAL,
    "text": QuestionType.TEXT,
    "string": QuestionType.TEXT,
    "date": QuestionType.DATE,
    "image": QuestionType.PHOTO,
    "photo": QuestionType.PHOTO,
    "geopoint": QuestionType.GEOPOINT,
    "gps": QuestionType.GEOPOINT,
    "location": QuestionType.GEOPOINT,
    "note": QuestionType.NOTE,
}
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "imei",
    "username",
    "email",
    "phonenumber",
    "simserial",
    "subscriberid",
}
# ODK types outside the subset: named as "not supported" rather than "not a question type".
ODK_TYPES = {
    "acknowledge",
    "time",
    "datetime",
    "range",
    "rank",
    "geotrace",
    "geoshape",
    "audio",
    "video",
    "file",
    "barcode",
    "hidden",
    "trigger",
    "background-audio",
    "background-geopoint",
    "start-geopoint",
    "audit",
    "xml-external",
    "csv-external",
    "select_one_from_file",
    "select_multiple_from_file",
    "select_one_external",
    "calculate",
}
IGNORED_COLUMNS = {"appearance", "required_message", "guidance_hint"}
TRUE_WORDS = {"yes", "true", "true()", "1", "y"}
FALSE_WORDS = {"", "no", "false", "false()", "0", "n"}
ZH_LANGUAGES = {"zh", "zh-hans", "zh-cn", "zh_cn", "zh-hans-cn", "chinese", "中文", "简体中文"}
EN_LANGUAGES = {"en", "en-us", "en-gb", "english"}

RELEVANT_EQUALS = re.compile(r"""^\s*\$\{(?P<name>[^}]+)\}\s*=\s*(?P<q>['"])(?P<value>[^'"]*)(?P=q)\s*$""")
RELEVANT_SELECTED = re.compile(
    r"""^\s*selected\(\s*\$\{(?P<name>[^}]+)\}\s*,\s*(?P<q>['"])(?P<value>[^'"]*)(?P=q)\s*\)\s*$"""
)


@dataclass(frozen=True)
class Problem:
    """Something in the workbook that is outside the supported subset; row is the spreadsheet's row number."""

    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("%(sheet)s sheet: %(message)s") % {"sheet": self.sheet, "message": self.message}
        return _("%(sheet)s sheet, row %(row)d: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "message": self.message,
        }


class XLSFormError(ValidationError):
    """The workbook cannot be imported; `problems` lists every row it cannot take (one message per row)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems])


@dataclass
class ParsedForm:
    questions: list[dict]
    form_id: str = ""
    title: str = ""
    title_en: str = ""
    version: str = ""
    rows: dict[str, int] = field(default_factory=dict)  # question name → survey row
