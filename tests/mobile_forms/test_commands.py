"""manage.py import_xlsform path.xlsx --category <code> [--phase <kind>] [--draft] [--user <username>]."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from mobile_forms.models import ChecklistVersion
from tests.factories import UserFactory
from tests.mobile_forms.xlsforms import BAD_CHOICES, BAD_PROBLEMS, BAD_SURVEY, supported_workbook, workbook

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_xlsform", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_publishes_a_version_and_records_who(tmp_path):
    user = UserFactory(username="office", role=Role.MANAGER)
    path = supported_workbook(tmp_path / "site.xlsx")
    out, _err = run(path, "--category", "construction_site", "--phase", "acceptance", "--user", "office")
    version = ChecklistVersion.objects.get()
    assert f"Imported and published site_check v1 (2026010101) ({version.pk}) with 10 questions." in out
    assert (version.checklist.phase_kind, version.created_by, version.published_by) == ("acceptance", user, user)
    assert version.source == "XLSForm site.xlsx"

    out, _err = run(path, "--category", "construction_site", "--phase", "acceptance")
    assert "Nothing new: site_check v1 (2026010101) already has exactly these questions." in out
    assert ChecklistVersion.objects.count() == 1


def test_a_draft_is_not_published(tmp_path):
    out, _err = run(supported_workbook(tmp_path / "site.xlsx"), "--category", "construction_site", "--draft")
    version = ChecklistVersion.objects.get()
    assert version.number is None and version.published_at is None
    assert "as a draft" in out


def test_a_workbook_with_problems_is_refused_row_by_row(tmp_path):
    path = workbook(tmp_path / "bad.xlsx", survey=BAD_SURVEY, choices=BAD_CHOICES)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"8 rows cannot be taken. Nothing was stored."):
        call_command("import_xlsform", str(path), "--category", "construction_site", stderr=err)
    assert err.getvalue().splitlines() == BAD_PROBLEMS
    assert ChecklistVersion.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "zoo"], "No hotspot category “zoo”; the categories are: construction_site, "),
        (["--category", "bus_stop", "--user", "ghost"], "No user “ghost”."),
    ],
)
def test_bad_arguments(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(supported_workbook(tmp_path / "site.xlsx"), *args)


def test_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "nothing.xlsx", "--category", "bus_stop")


def test_an_unknown_phase_kind_is_refused_by_the_parser(tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'daily'"):
        run(supported_workbook(tmp_path / "site.xlsx"), "--category", "bus_stop", "--phase", "daily")
