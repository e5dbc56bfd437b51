"""The sections of a checklist version: headings over runs of its questions (an XLSForm's groups).

Stored on the version as ``[{"name": "site", "label": "工地", "label_en": "Site", "questions": ["q1", "q2"]}, …]``:
each section names a run of consecutive questions, in the checklist's order; a question is in at most one section,
and questions outside every section are shown without a heading.
"""

from django.utils.translation import gettext as _

from mobile_forms.models.questions import MAX_LABEL, NAME_RE

SECTION_KEYS = ("name", "label", "label_en", "questions")


def section(name: str, label: str, questions: list[str], label_en: str = "") -> dict:
    return {"name": name, "label": label, "label_en": label_en, "questions": list(questions)}


def _one_section_problems(item, position: int, order: dict[str, int], taken: set[str]) -> list[str]:
    prefix = _("Section %(n)d") % {"n": position}
    if not isinstance(item, dict) or set(item) != set(SECTION_KEYS):
        return [_("%(section)s must have exactly the keys %(keys)s.") % {"section": prefix, "keys": SECTION_KEYS}]
    problems = []
    if not isinstance(item["name"], str) or not NAME_RE.match(item["name"]):
        problems.append(_("%(section)s needs a name of letters, digits, _ . - (at most 64).") % {"section": prefix})
    for key in ("label", "label_en"):
        if not isinstance(item[key], str) or len(item[key]) > MAX_LABEL:
            problems.append(_("%(section)s: “%(key)s” must be short text.") % {"section": prefix, "key": key})
    if isinstance(item["label"], str) and not item["label"].strip():
        problems.append(_("%(section)s has no label.") % {"section": prefix})
    names = item["questions"]
    if not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names):
        return [*problems, _("%(section)s needs a list of question names.") % {"section": prefix}]
    unknown = [name for name in names if name not in order]
    if unknown:
        problems.append(
            _("%(section)s names questions that are not in the checklist: %(names)s.")
            % {"section": prefix, "names": ", ".join(unknown)}
        )
        return problems
    twice = [name for name in names if name in taken]
    if twice or len(set(names)) != len(names):
        problems.append(
            _("%(section)s repeats questions of another section: %(names)s.")
            % {"section": prefix, "names": ", ".join(twice or names)}
        )
    positions = [order[name] for name in names]
    if positions != list(range(positions[0], positions[0] + len(positions))):
        problems.append(_("%(section)s must name consecutive questions, in their order.") % {"section": prefix})
    taken.update(names)
    return problems


def section_problems(sections, questions) -> list[str]:
    """Every rule the sections of a version break, given its questions."""
    if sections in (None, []):
        return []
    if not isinstance(sections, list):
        return [_("The sections must be a list.")]
    order = {item.get("name"): index for index, item in enumerate(questions or []) if isinstance(item, dict)}
    problems, taken, names = [], set(), set()
    for position, item in enumerate(sections, start=1):
        problems += _one_section_problems(item, position, order, taken)
        if isinstance(item, dict) and item.get("name") in names:
            problems.append(_("The section name “%(name)s” is used twice.") % {"name": item["name"]})
        if isinstance(item, dict):
            names.add(item.get("name"))
    return problems
