"""Reading an XLSForm workbook with pyxform (the reference implementation) into a checklist's questions and sections.

pyxform checks the workbook as ODK would and gives it as JSON; this module maps that onto our model, row by row:
what changes nothing that is asked is dropped with a warning, what would change the meaning is refused.
"""

import io
import re
from pathlib import Path

from django.utils.translation import gettext as _
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from mobile_forms.models.questions import NAME_RE, QuestionType, question_problems
from mobile_forms.xlsform import types
from mobile_forms.xlsform.elements import read_element
from mobile_forms.xlsform.expressions import read_condition, references
from mobile_forms.xlsform.languages import hide_curly_quotes, localized
from mobile_forms.xlsform.workbook import CHOICES, MAX_ROWS, SURVEY, Collector, ParsedForm, Problem, XLSFormError

_ROW = re.compile(r"^\s*\[row\s*:\s*(\d+)\]\s*")


def _definition(source):
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        source = source.read()
    try:
        data = get_xlsform(io.BytesIO(bytes(source)))
    except Exception as exc:  # pyxform's readers raise whatever their backend raises
        raise XLSFormError(
            [Problem(_("workbook"), None, _("this is not an .xlsx workbook (save it from Excel as .xlsx)"))]
        ) from exc
    return data


def _pyxform_problem(exc: PyXFormError) -> Problem:
    text = str(exc)
    match = _ROW.match(text)
    sheet = CHOICES if "'choices' sheet" in text else SURVEY
    message = _("pyxform refuses it: %(message)s") % {"message": _ROW.sub("", text).strip()}
    return Problem(sheet, int(match.group(1)) if match else None, message)


def _rows(records) -> dict[str, int]:
    """Survey name → spreadsheet row (the first row of that name)."""
    found: dict[str, int] = {}
    for index, record in enumerate(records or [], start=2):
        for key, value in record.items():
            if str(key).strip().lower() == "name" and value not in (None, ""):
                found.setdefault(str(value).strip(), index)
    return found


def _external_rows(records) -> list[int]:
    """Rows of ``select_one_external`` questions (pyxform cannot always read them without their data)."""
    rows = []
    for index, record in enumerate(records or [], start=2):
        kind = next((str(v) for k, v in record.items() if str(k).strip().lower() == "type"), "")
        if "external" in kind.lower():
            rows.append(index)
    return rows


def _choice_rows(records) -> dict[tuple[str, str], int]:
    found = {}
    for index, record in enumerate(records or [], start=2):
        values = {str(key).strip().lower().replace(" ", "_"): str(value).strip() for key, value in record.items()}
        found.setdefault((values.get("list_name", ""), values.get("name", "")), index)
    return found


class _Reader:
    def __init__(self, data, form: dict):
        self.rows = _rows(data.survey)
        self.choice_rows = _choice_rows(data.choices)
        self.language = form.get("default_language") if form.get("default_language") != "default" else None
        self.problems, self.warnings = Collector(), Collector()
        self.questions: list[dict] = []
        self.question_rows: list[int] = []
        self.sections: list[dict] = []
        self.calculations: set[str] = set()
        self.left_out: set[str] = set()
        self.last_row = 1

    def row_of(self, element: dict) -> int:
        name = str(element.get("name", ""))
        row = self.rows.get(name)
        if row is None and name.endswith("_other"):
            row = self.rows.get(name[: -len("_other")])  # pyxform's "specify other" question of an or_other
        self.last_row = row or self.last_row
        return self.last_row

    # ------------------------------------------------------------ the tree
    def walk(self, children: list[dict], groups: list[dict]) -> None:
        for element in children:
            kind = element.get("type")
            if kind == "group" and element.get("name") == "meta" and (element.get("control") or {}).get("bodyless"):
                continue
            row = self.row_of(element)
            if kind in ("repeat", "loop"):
                self.problems.add(SURVEY, row, _("repeats are not supported: a checklist asks each question once"))
            elif kind == "group":
                self.group(element, row, groups)
            else:
                self.element(element, row, groups)

    def group(self, element: dict, row: int, groups: list[dict]) -> None:
        label, label_en, others = localized(element, "label", self.language)
        self.left_out.update(others)
        for key in ("control", "media", "parameters"):
            if element.get(key) and set(element[key]) - {"bodyless"}:
                self.warnings.add(SURVEY, row, _("“%(column)s” is ignored") % {"column": "appearance"})
        entry = {
            "name": str(element.get("name", "")),
            "label": label,
            "label_en": label_en,
            "relevant": (element.get("bind") or {}).get("relevant", ""),
            "row": row,
        }
        self.walk(element.get("children") or [], [*groups, entry])

    def element(self, element: dict, row: int, groups: list[dict]) -> None:
        raw_type = str(element.get("type", ""))
        name = str(element.get("name", ""))
        if raw_type in types.CALCULATIONS:
            self.calculations.add(name)
            self.warnings.add(
                SURVEY, row, _("the calculation “%(name)s” is not used by a condition and is dropped") % {"name": name}
            )
            return
        if types.is_metadata(raw_type):
            return
        if not types.is_known(raw_type):
            self.problems.add(SURVEY, row, _("“%(type)s” is not a question type") % {"type": raw_type})
            return
        verdict = read_element(element, self.language, self.left_out)
        for message in verdict.dropped:
            self.warnings.add(SURVEY, row, message)
        relevant, condition_problems = self.condition(element, groups)
        for message in verdict.refused + condition_problems:
            self.problems.add(SURVEY, row, message)
        if verdict.question is None or verdict.refused or condition_problems:
            return
        if not NAME_RE.match(name):
            self.problems.add(SURVEY, row, _("the name “%(name)s” is longer than 64 characters") % {"name": name})
            return
        if name in {item["name"] for item in self.questions}:
            self.problems.add(
                SURVEY,
                row,
                _("the name “%(name)s” is already used in another group: names must be unique") % {"name": name},
            )
            return
        verdict.question["relevant"] = relevant
        self.questions.append(verdict.question)
        self.question_rows.append(row)
        self.place(name, groups)

    def condition(self, element: dict, groups: list[dict]) -> tuple[dict | None, list[str]]:
        expressions = [group["relevant"] for group in groups if group["relevant"]]
        own = (element.get("bind") or {}).get("relevant", "")
        if own:
            expressions.append(own)
        if not expressions:
            return None, []
        if len(expressions) > 1:
            return None, [
                _("the conditions “%(expressions)s” (of the question and its groups) cannot be combined")
                % {"expressions": "”, “".join(expressions)}
            ]
        expression = expressions[0]
        calculated = references(expression) & self.calculations
        if calculated:
            return None, [
                _("the condition “%(expression)s” depends on the calculation “%(name)s”, which cannot be evaluated")
                % {"expression": expression, "name": sorted(calculated)[0]}
            ]
        parsed = read_condition(expression)
        if parsed is None:
            return None, [
                _(
                    "the condition “%(expression)s” cannot be evaluated "
                    "(only ${question} = 'value' or selected(${question}, 'value'))"
                )
                % {"expression": expression}
            ]
        name, value, selected = parsed
        source = next((item for item in self.questions if item["name"] == name), None)
        if source is not None and source["type"] == QuestionType.SELECT_MANY and not selected:
            return None, [
                _("the condition “%(expression)s” does not fit the type of “%(name)s” (write %(hint)s)")
                % {"expression": expression, "name": name, "hint": f"selected(${{{name}}}, '{value}')"}
            ]
        return {"question": name, "value": value}, []

    def place(self, name: str, groups: list[dict]) -> None:
        """Put a question in the section of its innermost labelled group (nested labels joined)."""
        labelled = [group for group in groups if group["label"]]
        if not labelled:
            return
        key = tuple(group["name"] for group in labelled)
        last = self.sections[-1] if self.sections else None
        previous = self.questions[-2]["name"] if len(self.questions) > 1 else None
        if last is not None and last["_key"] == key and last["questions"][-1] == previous:
            last["questions"].append(name)
            return
        section_name = labelled[-1]["name"]
        taken = {item["name"] for item in self.sections}
        suffix = 2
        while section_name in taken:
            section_name, suffix = f"{labelled[-1]['name']}-{suffix}", suffix + 1
        self.sections.append(
            {
                "_key": key,
                "name": section_name,
                "label": " › ".join(group["label"] for group in labelled),
                "label_en": " › ".join(group["label_en"] or group["label"] for group in labelled)
                if any(group["label_en"] for group in labelled)
                else "",
                "questions": [name],
            }
        )

    def choice_columns(self, lists: dict) -> None:
        """Warn, on its row, about what a choice carries besides its name, label and fails (media …)."""
        for list_name, choices in lists.items():
            for item in choices:
                extra = sorted(
                    key
                    for key, value in item.items()
                    if key not in ("name", "label", "fails") and not key.startswith(("label:", "$")) and value
                )
                row = self.choice_rows.get((list_name, str(item.get("name", ""))))
                for key in extra:
                    self.warnings.add(CHOICES, row, _("“%(column)s” is ignored") % {"column": key})

    def check_rules(self) -> None:
        for index, message in question_problems(self.questions):
            message = message[:1].lower() + message[1:].rstrip(".")
            if index is None:
                if self.questions or not self.problems.by_row:
                    self.problems.add(SURVEY, None, message)
            else:
                self.problems.add(SURVEY, self.question_rows[index], message)


def _settings(data) -> dict[str, str]:
    """The settings row, read before pyxform consumes it."""
    records = data.settings or []
    if not records:
        return {}
    values = {str(key).strip(): str(value).strip() for key, value in records[0].items() if value not in (None, "")}
    language = values.get("default_language")
    title, title_en, _left_out = localized(values, "form_title", language)
    return {
        "form_id": values.get("form_id") or values.get("id_string", ""),
        "title": title,
        "title_en": title_en,
        "version": values.get("version", ""),
    }


def read_xlsform(source) -> ParsedForm:
    """Read an XLSForm workbook (a path, a file object or bytes). Raises XLSFormError listing every refused row."""
    data = _definition(source)
    if SURVEY not in {str(name).strip().lower() for name in data.sheet_names or []}:
        raise XLSFormError([Problem(SURVEY, None, _("the workbook has no survey sheet"))])
    settings = _settings(data)
    if len(data.survey or []) > MAX_ROWS or len(data.choices or []) > MAX_ROWS:
        raise XLSFormError([Problem(SURVEY, None, _("more than %(max)d rows") % {"max": MAX_ROWS})])
    external = _external_rows(data.survey)
    if external:
        message = _("choices from an external file or sheet are not supported")
        raise XLSFormError([Problem(SURVEY, row, message) for row in external])
    hide_curly_quotes(data.survey)
    hide_curly_quotes(data.choices)
    pyxform_warnings: list[str] = []
    try:
        form = workbook_to_json(data, warnings=pyxform_warnings)
    except PyXFormError as exc:
        raise XLSFormError([_pyxform_problem(exc)]) from exc
    reader = _Reader(data, form)
    reader.walk(form.get("children") or [], [])
    reader.choice_columns(form.get("choices") or {})
    reader.check_rules()
    if reader.problems.by_row:
        raise XLSFormError(reader.problems.problems())
    if reader.left_out:
        reader.warnings.add(
            SURVEY,
            None,
            _("the languages %(languages)s are neither Chinese nor English and are ignored")
            % {"languages": ", ".join(sorted(reader.left_out))},
        )
    return ParsedForm(
        questions=reader.questions,
        form_id=settings.get("form_id", ""),
        title=settings.get("title", ""),
        title_en=settings.get("title_en", ""),
        version=settings.get("version", ""),
        rows={item["name"]: row for item, row in zip(reader.questions, reader.question_rows, strict=True)},
        sections=[{key: value for key, value in item.items() if key != "_key"} for item in reader.sections],
        warnings=reader.warnings.problems(),
    )
