"""The XLSForm reader's vocabulary: languages and flags, and what it returns (a form, its warnings and problems)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 2000
SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
SHEET_ORDER = {SETTINGS: 0, SURVEY: 1, CHOICES: 2}

TRUE_WORDS = {"yes", "true", "true()", "1", "y"}
FALSE_WORDS = {"", "no", "false", "false()", "0", "n"}
ZH_LANGUAGES = {"zh", "zh-hans", "zh-cn", "zh_cn", "zh-hans-cn", "chinese", "中文", "简体中文", "汉语"}
EN_LANGUAGES = {"en", "en-us", "en-gb", "english"}


@dataclass(frozen=True)
class Problem:
    """A row of the workbook the reader refuses or warns about; row is the spreadsheet's row number (or None)."""

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


class Collector:
    """Messages gathered by (sheet, row), one line per row, in the workbook's order."""

    def __init__(self):
        self.by_row: dict[tuple[str, int | None], list[str]] = {}

    def add(self, sheet: str, row: int | None, message: str) -> None:
        messages = self.by_row.setdefault((sheet, row), [])
        if message not in messages:
            messages.append(message)

    def problems(self) -> list[Problem]:
        keys = sorted(self.by_row, key=lambda key: (SHEET_ORDER.get(key[0], 9), key[1] or 0))
        return [Problem(sheet, row, "; ".join(self.by_row[(sheet, row)])) for sheet, row in keys]


@dataclass
class ParsedForm:
    questions: list[dict]
    form_id: str = ""
    title: str = ""
    title_en: str = ""
    version: str = ""
    rows: dict[str, int] = field(default_factory=dict)  # question name → survey row
    sections: list[dict] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # what was dropped, row by row
