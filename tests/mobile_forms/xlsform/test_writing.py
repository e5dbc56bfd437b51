"""XLSForm export: what is written reads back as the same questions."""

import io

import openpyxl
import pytest

from fixtures.checklists import load_checklists
from mobile_forms.models import ChecklistVersion
from mobile_forms.xlsform import read_xlsform, write_xlsform


@pytest.mark.django_db
def test_every_demo_checklist_survives_a_round_trip_through_xlsform():
    load_checklists()
    for version in ChecklistVersion.objects.select_related("checklist"):
        data = write_xlsform(version)
        assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["survey", "choices", "settings"]
        form = read_xlsform(data)
        assert form.questions == version.questions, version
        assert (form.form_id, form.title, form.title_en, form.version) == (
            version.checklist.code,
            version.title,
            version.title_en,
            version.label,
        )
