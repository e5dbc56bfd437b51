"""The admin: import an XLSForm upload, inspect versions (read-only once published), drafts, publishing, download."""

import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Permission

from accounts.models import Role
from geo.models import HotspotCategory
from mobile_forms.models import ChecklistVersion
from mobile_forms.xlsform import read_xlsform
from tests.factories import UserFactory
from tests.mobile_forms.xlsforms import BAD_CHOICES, BAD_PROBLEMS, BAD_SURVEY, publish, supported_workbook, workbook

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/mobile_forms/checklistversion/import/"
LIST_URL = "/admin/mobile_forms/checklistversion/"


@pytest.fixture
def office(client):
    """A campaign-office manager with the checklist permissions, signed in to the admin in English."""
    user = UserFactory(username="office", role=Role.MANAGER, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="mobile_forms"))
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def upload(client, path, **fields):
    category = HotspotCategory.objects.get(code="construction_site")
    with open(path, "rb") as handle:
        return client.post(
            IMPORT_URL,
            {"file": handle, "category": category.pk, "phase_kind": "", "publish": "on", **fields},
            HTTP_ACCEPT_LANGUAGE="en",
        )


def test_the_changelist_offers_the_import(client, office):
    publish()
    page = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert IMPORT_URL in page.content.decode()
    assert "in force" in page.content.decode()


def test_importing_an_upload_publishes_a_version_recording_who(client, office, tmp_path):
    response = upload(client, supported_workbook(tmp_path / "site.xlsx"))
    version = ChecklistVersion.objects.get()
    assert response.status_code == 302 and response.url == f"{LIST_URL}{version.pk}/change/"
    assert (version.number, version.created_by, version.published_by, version.source) == (
        1,
        office,
        office,
        "XLSForm site.xlsx",
    )
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Imported site_check v1 (2026010101) with 10 questions." in page
    assert "hoarding_intact" in page and "improper: 不规范 ✗" in page  # the questions table
    assert 'name="_save"' not in page  # published: read-only


def test_an_upload_with_problems_lists_them_and_stores_nothing(client, office, tmp_path):
    response = upload(client, workbook(tmp_path / "bad.xlsx", survey=BAD_SURVEY, choices=BAD_CHOICES))
    assert response.status_code == 200
    assert response.context["problems"] == BAD_PROBLEMS
    assert "8 rows cannot be taken. Nothing was stored." in response.content.decode()
    assert ChecklistVersion.objects.count() == 0


def test_an_upload_that_is_not_a_workbook(client, office, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    response = upload(client, path)
    assert response.context["problems"] == [
        "workbook sheet: this is not an .xlsx workbook (save it from Excel as .xlsx)"
    ]


def test_staff_without_the_permission_cannot_import(client, tmp_path):
    client.force_login(UserFactory(username="staff", role=Role.MANAGER, is_staff=True))
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, supported_workbook(tmp_path / "site.xlsx")).status_code == 403
    assert ChecklistVersion.objects.count() == 0


def test_a_draft_is_made_edited_and_published_from_the_admin(client, office):
    version = publish()
    response = client.post(LIST_URL, {"action": "new_draft", "_selected_action": [version.pk]})
    draft = ChecklistVersion.objects.get(published_at__isnull=True)
    assert response.status_code == 302 and response.url.endswith(f"/{draft.pk}/change/")
    assert draft.created_by == office

    change = client.get(response.url)
    assert 'name="_save"' in change.content.decode()
    form = {"label": "2026.2", "title": draft.title, "title_en": draft.title_en}
    bad = client.post(response.url, {**form, "questions": '[{"name": "x", "type": "rating", "label": "评分"}]'})
    assert bad.status_code == 200 and "Unknown question type" in bad.content.decode()
    questions = draft.questions[:3]
    ok = client.post(response.url, {**form, "questions": json.dumps(questions, ensure_ascii=False)})
    assert ok.status_code == 302
    draft.refresh_from_db()
    assert (draft.label, len(draft.questions)) == ("2026.2", 3)

    client.post(LIST_URL, {"action": "publish_drafts", "_selected_action": [draft.pk, version.pk]})
    draft.refresh_from_db()
    assert (draft.number, draft.published_by) == (2, office)


def test_a_published_version_cannot_be_changed_or_deleted(client, office):
    version = publish()
    url = f"{LIST_URL}{version.pk}/change/"
    client.post(url, {"label": "x", "title": "改", "title_en": "", "questions": "[]"})
    assert client.post(f"{LIST_URL}{version.pk}/delete/", {"post": "yes"}).status_code == 403
    version.refresh_from_db()
    assert version.title == "公交站检查表"


def test_a_version_downloads_as_an_xlsform_that_imports_again(client, office):
    version = publish()
    response = client.get(f"{LIST_URL}{version.pk}/xlsform/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bus_stop-v1.xlsx"'
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["survey", "choices", "settings"]
    assert read_xlsform(data).questions == version.questions


def test_checklists_are_listed_with_their_version_in_force(client, office):
    publish()
    page = client.get("/admin/mobile_forms/checklist/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "bus_stop" in page and "v1" in page
