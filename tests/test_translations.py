"""The zh-hans catalogue is complete: every string in the code and templates has a translation."""

import shutil
from pathlib import Path

import polib
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["accounts", "backup", "config", "fixtures", "geo", "inspections", "mobile_forms", "templates"]


def test_committed_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(CATALOGUE))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    # makemessages writes next to the sources it reads, so it runs on a linked copy of the tree.
    for name in SOURCES:
        (tmp_path / name).symlink_to(ROOT / name)
    locale = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(CATALOGUE, locale / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["zh_Hans"], symlinks=True, no_obsolete=True, verbosity=0)
    fresh = polib.pofile(str(locale / "django.po"))
    missing = [entry.msgid for entry in fresh if not entry.translated() or entry.fuzzy]
    assert missing == [], "run `manage.py makemessages -l zh_Hans` and translate these"
