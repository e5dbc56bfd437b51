"""Translated columns as pyxform gives them (``label``, ``label::English (en)``, ``label:English`` …) → zh / en."""

import re

from mobile_forms.xlsform.workbook import EN_LANGUAGES, ZH_LANGUAGES

# pyxform straightens curly quotes everywhere (for expressions); in texts such as “否” they are kept by hiding them
# in private-use characters while pyxform reads the workbook.
_CURLY = "\u2018\u2019\u201c\u201d"
_HIDDEN = "\ue018\ue019\ue01c\ue01d"
_HIDE, _SHOW = str.maketrans(_CURLY, _HIDDEN), str.maketrans(_HIDDEN, _CURLY)
TEXT_COLUMNS = ("label", "hint", "required_message", "constraint_message", "form_title", "guidance_hint")


def hide_curly_quotes(records) -> None:
    """In place: curly quotes of the text columns of a sheet's rows (dicts) hidden from pyxform."""
    for record in records or []:
        for key, value in record.items():
            if isinstance(value, str) and str(key).strip().lower().startswith(TEXT_COLUMNS):
                record[key] = value.translate(_HIDE)


def show(text: str) -> str:
    return text.translate(_SHOW)


def language(tag: str | None) -> str | None:
    """ "zh", "en" or None for a language name such as ``Chinese (zh)``, ``English``, ``zh-Hans``, ``default``."""
    if not tag:
        return None
    tag = tag.strip().lower()
    match = re.search(r"\(([^)]+)\)\s*$", tag)
    code = match.group(1).strip() if match else tag
    for candidate in (code, tag, re.sub(r"\s*\([^)]*\)\s*$", "", tag)):
        if candidate in ZH_LANGUAGES or candidate.startswith("zh"):
            return "zh"
        if candidate in EN_LANGUAGES or candidate.startswith("en-"):
            return "en"
    return None


def translations(element: dict, base: str, default_language: str | None) -> dict[str, str]:
    """{language name: text} of one column family; the plain column is named by the form's default language."""
    found: dict[str, str] = {}
    value = element.get(base)
    if isinstance(value, str) and value.strip():
        found[default_language or "default"] = show(value.strip())
    elif isinstance(value, dict):
        found.update(
            {name: show(text.strip()) for name, text in value.items() if isinstance(text, str) and text.strip()}
        )
    for key, text in element.items():
        # pyxform keeps single-colon headers (``label:English``) as they are; a settings row keeps both spellings.
        if key.startswith(base + ":") and isinstance(text, str) and text.strip():
            found.setdefault(key[len(base) + 1 :].lstrip(":").strip(), show(text.strip()))
    return found


def localized(element: dict, base: str, default_language: str | None) -> tuple[str, str, list[str]]:
    """(Chinese, English, other languages left out): text without a language is Chinese; English stands in alone."""
    zh = en = plain = other = ""
    left_out = []
    for name, text in translations(element, base, default_language).items():
        code = language(name)
        if code == "zh":
            zh = zh or text
        elif code == "en":
            en = en or text
        elif name == "default":
            plain = plain or text
        else:
            other = other or text
            left_out.append(name)
    chosen = zh or plain or en or other
    if other and chosen == other:
        left_out.remove(next(name for name in left_out))
    return chosen, en, left_out
