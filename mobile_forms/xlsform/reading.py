"""Reading an XLSForm workbook into checklist questions; what is outside the subset is refused, one message a row."""

import datetime as dt
import io
import re
import zipfile

from django.utils.translation import gettext as _

from mobile_forms.models.questions import NAME_RE, NO, WITH_CHOICES, YES, QuestionType, question, question_problems
from mobile_forms.xlsform.workbook import (
    CHOICES,
    EN_LANGUAGES,
    FALSE_WORDS,
    IGNORED_COLUMNS,
    MAX_ROWS,
    METADATA_TYPES,
    ODK_TYPES,
    RELEVANT_EQUALS,
    RELEVANT_SELECTED,
    SETTINGS,
    SHEET_ORDER,
    SIMPLE_TYPES,
    SURVEY,
    TRUE_WORDS,
    ZH_LANGUAGES,
    ParsedForm,
    Problem,
    XLSFormError,
)


# ---------------------------------------------------------------- cells and columns
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _language(tag: str) -> str | None:
    tag = tag.strip().lower()
    match = re.search(r"\(([^)]+)\)\s*$", tag)
    code = match.group(1).strip() if match else tag
    if code in ZH_LANGUAGES or tag in ZH_LANGUAGES:
        return "zh"
    if code in EN_LANGUAGES or tag in EN_LANGUAGES:
        return "en"
    return None


def _column(header: str) -> tuple[str, str | None, bool]:
    """(base name, language, recognised language) of a header such as ``label::Chinese (zh)``."""
    base, sep, language = header.partition("::")
    if not sep:
        return base, None, True
    code = _language(language)
    return base, code, code is not None


def _header_key(cell) -> str:
    """``List Name`` → ``list_name``; ``Label::Chinese (zh)`` → ``label::Chinese (zh)``."""
    text = _text(cell)
    base, sep, language = text.partition("::")
    base = "_".join(base.strip().lower().split())
    return f"{base}::{language.strip()}" if sep else base


class _Sheet:
    def __init__(self, name: str, rows: list[tuple]):
        self.name = name
        header = rows[0] if rows else ()
        self.headers = [_header_key(cell) for cell in header]
        self.rows = rows[1:]

    def records(self):
        """(row number, {header: text}) for every row that is not blank."""
        for offset, row in enumerate(self.rows, start=2):
            values = {}
            for header, cell in zip(self.headers, row, strict=False):
                if header and header not in values:
                    values[header] = _text(cell)
            if any(values.values()):
                yield offset, values


class _Collector:
    def __init__(self):
        self.by_row: dict[tuple[str, int | None], list[str]] = {}

    def add(self, sheet: str, row: int | None, message: str) -> None:
        messages = self.by_row.setdefault((sheet, row), [])
        if message not in messages:
            messages.append(message)

    def problems(self) -> list[Problem]:
        keys = sorted(self.by_row, key=lambda key: (SHEET_ORDER.get(key[0], 9), key[1] or 0))
        return [Problem(sheet, row, "; ".join(self.by_row[(sheet, row)])) for sheet, row in keys]


def _localized(values: dict, base: str) -> tuple[str, str]:
    """(Chinese, English) text of a translatable column; plain ``label`` is Chinese, English stands in if alone."""
    zh = plain = en = ""
    for header, value in values.items():
        name, language, _known = _column(header)
        if name != base or not value:
            continue
        if language == "zh":
            zh = zh or value
        elif language == "en":
            en = en or value
        elif language is None and "::" not in header:
            plain = plain or value
    return zh or plain or en, en


def _flag(value: str) -> bool | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _unsupported_columns(values: dict, known: set[str]) -> list[str]:
    messages = []
    for header, value in values.items():
        if not value or header.startswith("$"):
            continue
        base, _language_code, recognised = _column(header)
        if base in IGNORED_COLUMNS:
            continue
        if base not in known or not recognised:
            messages.append(_("the column “%(column)s” is not supported") % {"column": header})
    return messages


# ---------------------------------------------------------------- reading
def _open_workbook(source) -> dict[str, list[tuple]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise XLSFormError(
            [Problem(_("workbook"), None, _("this is not an .xlsx workbook (save it from Excel as .xlsx)"))]
        ) from exc
    sheets = {}
    try:
        for worksheet in workbook.worksheets:
            key = worksheet.title.strip().lower()
            if key not in (SURVEY, CHOICES, SETTINGS) or key in sheets:
                continue
            rows = []
            for row in worksheet.iter_rows(values_only=True):
                rows.append(row)
                if len(rows) > MAX_ROWS + 1:
                    break
            sheets[key] = rows
    finally:
        workbook.close()
    return sheets


def _read_choices(sheet: _Sheet | None, collector: _Collector) -> tuple[dict[str, list[dict]], set[str]]:
    """The choice lists, and the names of those with a refused row (their questions are not checked further)."""
    lists: dict[str, list[dict]] = {}
    broken: set[str] = set()
    if sheet is None:
        return lists, broken
    known = {"list_name", "name", "value", "label", "fails"}
    for row, values in sheet.records():
        problems = _unsupported_columns(values, known)
        list_name = values.get("list_name", "")
        value = values.get("name") or values.get("value") or ""
        label, label_en = _localized(values, "label")
        fails = _flag(values.get("fails", ""))
        if not list_name:
            problems.append(_("no list_name"))
        if not value:
            problems.append(_("no name"))
        elif re.search(r"\s", value) or len(value) > 64:
            problems.append(_("the choice name “%(name)s” has spaces or is too long") % {"name": value})
        elif any(item["value"] == value for item in lists.get(list_name, [])):
            problems.append(
                _("the choice “%(name)s” appears twice in the list “%(list)s”") % {"name": value, "list": list_name}
            )
        if not label:
            problems.append(_("no label"))
        if fails is None:
            problems.append(_("fails “%(value)s” is not yes or no") % {"value": values.get("fails")})
        elif fails and value == YES and list_name and _is_yes_no_candidate(sheet, list_name):
            problems.append(_("in a yes/no list only “no” can fail: phrase the question so that “yes” is compliant"))
        for message in problems:
            collector.add(CHOICES, row, message)
        if problems:
            broken.add(list_name)
        if list_name and value:
            lists.setdefault(list_name, []).append(
                {"value": value, "label": label, "label_en": label_en, "fails": bool(fails), "_row": row}
            )
    return lists, broken


def _is_yes_no_candidate(sheet: _Sheet, list_name: str) -> bool:
    values = {
        values.get("name") or values.get("value")
        for _row, values in sheet.records()
        if values.get("list_name") == list_name
    }
    return values == {YES, NO}


def _read_type(kind: str, lists: dict[str, list[dict]], has_choices_sheet: bool) -> tuple[str | None, list, list[str]]:
    """(question type or None, choices, problems) for a ``type`` cell; (None, [], []) for a metadata row."""
    words = kind.split()
    head = words[0].lower() if words else ""
    if len(words) >= 2 and head in ("select", "begin", "end"):
        head, words = f"{head}_{words[1].lower()}", [f"{head}_{words[1].lower()}", *words[2:]]
    if head in ("begin_group", "end_group"):
        return None, [], [_("groups (“%(type)s”) are not supported") % {"type": kind}]
    if head in ("begin_repeat", "end_repeat"):
        return None, [], [_("repeats (“%(type)s”) are not supported") % {"type": kind}]
    if head in ("select_one", "select_multiple"):
        if len(words) == 3 and words[2] == "or_other":
            return None, [], [_("“or_other” is not supported")]
        if len(words) != 2:
            return None, [], [_("“%(type)s” needs exactly one choice list name") % {"type": kind}]
        choices = lists.get(words[1])
        if choices is None:
            where = _("the choices sheet") if has_choices_sheet else _("the workbook (it has no choices sheet)")
            return (
                None,
                [],
                [_("the choice list “%(list)s” is missing from %(where)s") % {"list": words[1], "where": where}],
            )
        choices = [{key: value for key, value in item.items() if key != "_row"} for item in choices]
        if head == "select_one" and {item["value"] for item in choices} == {YES, NO} and len(choices) == 2:
            ordered = sorted(choices, key=lambda item: item["value"] != YES)
            for item in ordered:
                item["fails"] = item["value"] == NO
            return QuestionType.YES_NO, ordered, []
        return (QuestionType.SELECT_ONE if head == "select_one" else QuestionType.SELECT_MANY), choices, []
    if len(words) == 1 and head in SIMPLE_TYPES:
        return SIMPLE_TYPES[head], [], []
    if len(words) == 1 and head in METADATA_TYPES:
        return None, [], []
    if head == "calculate":
        return None, [], [_("calculations (“calculate”) are not supported")]
    if head == "acknowledge":
        return None, [], [_("the question type “acknowledge” is not supported (use select_one with a yes/no list)")]
    if head in ODK_TYPES:
        return None, [], [_("the question type “%(type)s” is not supported") % {"type": kind}]
    return None, [], [_("“%(type)s” is not a question type") % {"type": kind}]


def _read_relevant(expression: str, kind_of: dict[str, str]) -> tuple[dict | None, list[str]]:
    if not expression:
        return None, []
    for pattern, many in ((RELEVANT_EQUALS, False), (RELEVANT_SELECTED, True)):
        match = pattern.match(expression)
        if match:
            name, value = match.group("name").strip(), match.group("value")
            if name in kind_of and (kind_of[name] == QuestionType.SELECT_MANY) != many:
                hint = f"${{{name}}} = '{value}'" if many else f"selected(${{{name}}}, '{value}')"
                return None, [
                    _("the condition “%(expression)s” does not fit the type of “%(name)s” (write %(hint)s)")
                    % {"expression": expression, "name": name, "hint": hint}
                ]
            return {"question": name, "value": value}, []
    return None, [
        _(
            "the condition “%(expression)s” is not supported "
            "(only ${question} = 'value' or selected(${question}, 'value'))"
        )
        % {"expression": expression}
    ]


def _read_survey(sheet: _Sheet, lists, broken_lists: set[str], has_choices_sheet: bool, collector: _Collector):
    known = {"type", "name", "label", "hint", "required", "relevant", "deduction"}
    questions, rows = [], []
    names: dict[str, int] = {}
    kind_of: dict[str, str] = {}
    broken: set[str] = set()
    for row, values in sheet.records():
        type_cell = values.get("type", "")
        name = values.get("name", "")
        # A row whose type is refused is reported for its type alone.
        kind, choices, type_problems = _read_type(type_cell, lists, has_choices_sheet) if type_cell else (None, [], [])
        if not type_cell:
            type_problems = [_("no type")]
        if type_problems:
            for message in type_problems:
                collector.add(SURVEY, row, message)
            broken.add(name)
            continue
        if kind is None:
            continue  # a metadata row
        problems = _unsupported_columns(values, known)
        if not name:
            problems.append(_("no name"))
        elif not NAME_RE.match(name):
            problems.append(_("the name “%(name)s” is not a valid XLSForm name") % {"name": name})
        elif name in names:
            problems.append(
                _("the name “%(name)s” is already used in row %(row)d") % {"name": name, "row": names[name]}
            )
        else:
            names[name] = row
            kind_of[name] = kind
        label, label_en = _localized(values, "label")
        hint, hint_en = _localized(values, "hint")
        if not label:
            problems.append(_("no label"))
        required = _flag(values.get("required", ""))
        if required is None:
            problems.append(
                _("required “%(value)s” is not supported (only yes or no)") % {"value": values.get("required")}
            )
        relevant, relevant_problems = _read_relevant(values.get("relevant", ""), kind_of)
        problems += relevant_problems
        deduction = None
        if values.get("deduction"):
            try:
                deduction = float(values["deduction"])
            except ValueError:
                problems.append(_("the deduction “%(value)s” is not a number") % {"value": values["deduction"]})
        for message in problems:
            collector.add(SURVEY, row, message)
        if problems or (kind in WITH_CHOICES and type_cell.split()[-1] in broken_lists):
            # A question on a refused choice list is not checked further: the choices rows say what is wrong.
            broken.add(name)
            continue
        questions.append(
            question(
                name,
                kind,
                label,
                label_en=label_en,
                hint=hint,
                hint_en=hint_en,
                required=bool(required),
                relevant=relevant,
                choices=choices,
                deduction=deduction,
            )
        )
        rows.append(row)
    return questions, rows, broken


def _read_settings(sheet: _Sheet | None) -> dict[str, str]:
    if sheet is None:
        return {}
    for _row, values in sheet.records():
        title, title_en = _localized(values, "form_title")
        return {
            "form_id": values.get("form_id", "") or values.get("id_string", ""),
            "title": title,
            "title_en": title_en,
            "version": values.get("version", ""),
        }
    return {}


def read_xlsform(source) -> ParsedForm:
    """Read an XLSForm workbook (a path, a file object or bytes). Raises XLSFormError listing every problem."""
    raw = _open_workbook(source)
    collector = _Collector()
    for name, rows in raw.items():
        if len(rows) > MAX_ROWS + 1:
            collector.add(name, None, _("more than %(max)d rows") % {"max": MAX_ROWS})
    if SURVEY not in raw:
        collector.add(SURVEY, None, _("the workbook has no survey sheet"))
    if collector.by_row:
        raise XLSFormError(collector.problems())
    sheets = {name: _Sheet(name, rows) for name, rows in raw.items()}
    lists, broken_lists = _read_choices(sheets.get(CHOICES), collector)
    questions, rows, broken = _read_survey(sheets[SURVEY], lists, broken_lists, CHOICES in sheets, collector)

    # The rules every version obeys (conditions, deductions …), reported on the survey row they concern. A condition
    # on a row that is already refused is not checked again.
    checked = [
        {**item, "relevant": None} if item["relevant"] and item["relevant"]["question"] in broken else item
        for item in questions
    ]
    for index, message in question_problems(checked):
        message = message[:1].lower() + message[1:].rstrip(".")
        if index is None:
            if questions or not collector.by_row:
                collector.add(SURVEY, None, message)
        else:
            collector.add(SURVEY, rows[index], message)
    if collector.by_row:
        raise XLSFormError(collector.problems())
    settings = _read_settings(sheets.get(SETTINGS))
    return ParsedForm(
        questions=questions,
        form_id=settings.get("form_id", ""),
        title=settings.get("title", ""),
        title_en=settings.get("title_en", ""),
        version=settings.get("version", ""),
        rows={item["name"]: row for item, row in zip(questions, rows, strict=True)},
    )
