"""Writing a checklist version as an XLSForm workbook that reading gives back as the same questions."""

import io

from mobile_forms.models.questions import QuestionType
from mobile_forms.xlsform.workbook import CHOICES, SETTINGS, SURVEY


def _constraint(limits: dict) -> str:
    terms = []
    if limits.get("min") is not None:
        terms.append(f". >= {limits['min']:g}")
    if limits.get("max") is not None:
        terms.append(f". <= {limits['max']:g}")
    if limits.get("pattern"):
        quote = "'" if "'" not in limits["pattern"] else '"'
        terms.append(f"regex(., {quote}{limits['pattern']}{quote})")
    return " and ".join(terms)


def write_xlsform(version) -> bytes:
    """The version as an XLSForm workbook that `read_xlsform` reads back to the same questions (for editing)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = SURVEY
    survey.append(
        [
            "type",
            "name",
            "label::zh",
            "label::en",
            "hint::zh",
            "hint::en",
            "required",
            "required_message::zh",
            "required_message::en",
            "relevant",
            "constraint",
            "constraint_message::zh",
            "constraint_message::en",
            "deduction",
            "problem_type",
            "severity",
        ]
    )
    starts = {item["questions"][0]: item for item in version.sections}
    ends = {item["questions"][-1] for item in version.sections}
    choices = workbook.create_sheet(CHOICES)
    choices.append(["list_name", "name", "label::zh", "label::en", "fails"])
    written: dict[tuple, str] = {}
    for item in version.questions:
        if item["name"] in starts:
            heading = starts[item["name"]]
            survey.append(["begin group", heading["name"], heading["label"], heading["label_en"]])
        kind = item["type"]
        type_cell = {
            QuestionType.PHOTO: "image",
            QuestionType.YES_NO: "select_one",
            QuestionType.SELECT_ONE: "select_one",
            QuestionType.SELECT_MANY: "select_multiple",
        }.get(kind, kind)
        if item["choices"]:
            key = tuple((c["value"], c["label"], c["label_en"], c["fails"]) for c in item["choices"])
            list_name = written.get(key)
            if list_name is None:
                shared = kind == QuestionType.YES_NO and "yes_no" not in written.values()
                list_name = "yes_no" if shared else item["name"]
                written[key] = list_name
                for entry in item["choices"]:
                    choices.append(
                        [list_name, entry["value"], entry["label"], entry["label_en"], "yes" if entry["fails"] else ""]
                    )
            type_cell = f"{type_cell} {list_name}"
        relevant = ""
        if item["relevant"]:
            name, value = item["relevant"]["question"], item["relevant"]["value"]
            source = next(q for q in version.questions if q["name"] == name)
            many = source["type"] == QuestionType.SELECT_MANY
            relevant = f"selected(${{{name}}}, '{value}')" if many else f"${{{name}}} = '{value}'"
        limits = item.get("constraint") or {}
        survey.append(
            [
                type_cell,
                item["name"],
                item["label"],
                item["label_en"],
                item["hint"],
                item["hint_en"],
                "yes" if item["required"] else "",
                item.get("required_message", ""),
                item.get("required_message_en", ""),
                relevant,
                _constraint(limits),
                limits.get("message", ""),
                limits.get("message_en", ""),
                item["deduction"],
                item.get("problem_type", ""),
                item.get("severity", ""),
            ]
        )
        if item["name"] in ends:
            survey.append(["end group"])
    settings = workbook.create_sheet(SETTINGS)
    settings.append(["form_id", "form_title::zh", "form_title::en", "version"])
    settings.append([version.checklist.code, version.title, version.title_en, version.label])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
