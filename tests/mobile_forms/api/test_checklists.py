"""GET /api/checklists/ (versions in force, filters) and /api/checklists/<uuid>/ (any published version)."""

import datetime as dt
import uuid

import pytest

from inspections.models import Campaign, Phase, PhaseKind
from mobile_forms.services import version_draft_from
from tests.api_errors import field_errors
from tests.mobile_forms.xlsforms import all_types_questions, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions():
    generic_v1 = publish(category="bus_stop")
    changed = all_types_questions()
    changed[1]["deduction"] = 4.0
    generic_v2 = publish(changed, category="bus_stop", label="2026.2")
    acceptance = publish(category="bus_stop", phase_kind="acceptance", title="公交站验收检查表")
    market = publish(category="farmers_market", title="农贸市场检查表")
    draft = version_draft_from(version=market)
    return generic_v1, generic_v2, acceptance, market, draft


def phase_of(kind):
    campaign = Campaign.objects.create(name=f"活动 {kind}", starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 6, 1))
    return Phase.objects.create(
        campaign=campaign, kind=kind, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 4, 1)
    )


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


def test_anonymous_callers_get_401(api_client, versions):
    assert api_client.get("/api/checklists/").status_code == 401
    assert api_client.get(f"/api/checklists/{versions[0].pk}/").status_code == 401


@pytest.mark.parametrize("role", ["inspector", "volunteer", "rectifier", "manager", "nobody"])
def test_any_signed_in_user_reads_the_versions_in_force(client_for, world, versions, role):
    _v1, generic_v2, acceptance, market, _draft = versions
    response = client_for(getattr(world.users, role)).get("/api/checklists/")
    assert ids(response) == [str(market.pk), str(generic_v2.pk), str(acceptance.pk)]


def test_the_body_follows_the_contract(client_for, world, versions):
    _v1, generic_v2, _acceptance, _market, _draft = versions
    body = client_for(world.users.inspector).get("/api/checklists/?category=bus_stop").json()
    generic = body[0]
    assert {key: generic[key] for key in generic if key != "questions"} == {
        "id": str(generic_v2.pk),
        "code": "bus_stop",
        "category": "bus_stop",
        "phase_kind": None,
        "version": 2,
        "label": "2026.2",
        "title": "公交站检查表",
        "title_en": "Checklist",
        "sections": [],
    }
    assert body[1]["phase_kind"] == "acceptance" and body[1]["code"] == "bus_stop-acceptance"
    questions = {item["name"]: item for item in generic["questions"]}
    assert questions["clean"] == {
        "name": "clean",
        "type": "yes_no",
        "label": "无暴露垃圾",
        "label_en": "No exposed garbage",
        "hint": "",
        "hint_en": "",
        "required": True,
        "relevant": None,
        "choices": [
            {"value": "yes", "label": "是", "label_en": "Yes", "fails": False},
            {"value": "no", "label": "否", "label_en": "No", "fails": True},
        ],
        "deduction": 4.0,
        "problem_type": "",
        "severity": "",
        "constraint": None,
        "required_message": "",
        "required_message_en": "",
    }
    assert questions["garbage_kind"]["relevant"] == {"question": "clean", "value": "no"}
    assert questions["photo"]["deduction"] is None and questions["photo"]["choices"] == []
    assert [item["type"] for item in generic["questions"]] == [
        "note",
        "yes_no",
        "select_one",
        "select_many",
        "integer",
        "decimal",
        "text",
        "date",
        "photo",
        "geopoint",
    ]


def test_filters_by_category_and_phase(client_for, world, versions):
    _v1, generic_v2, acceptance, market, _draft = versions
    client = client_for(world.users.inspector)
    assert ids(client.get("/api/checklists/?category=farmers_market")) == [str(market.pk)]
    assert ids(client.get("/api/checklists/?category=zoo")) == []
    accept = phase_of(PhaseKind.ACCEPTANCE)
    assert ids(client.get(f"/api/checklists/?phase={accept.pk}")) == [str(market.pk), str(acceptance.pk)]
    self_check = phase_of(PhaseKind.SELF_INSPECTION)
    assert ids(client.get(f"/api/checklists/?phase={self_check.pk}&category=bus_stop")) == [str(generic_v2.pk)]


def test_an_unknown_phase_is_a_400(client_for, world, versions):
    response = client_for(world.users.inspector).get("/api/checklists/?phase=999999")
    assert response.status_code == 400
    assert field_errors(response.json()) == {"phase": ["There is no phase with the id “999999”."]}


def test_a_phase_that_is_not_a_number_is_a_400(client_for, world, versions):
    response = client_for(world.users.inspector).get("/api/checklists/?phase=abc")
    assert response.status_code == 400
    assert field_errors(response.json()) == {
        "phase": ["Give an id: a whole number from 1 to 9223372036854775807, not “abc”."]
    }


def test_a_superseded_version_is_still_served_by_id(client_for, world, versions):
    generic_v1, *_rest = versions
    response = client_for(world.users.inspector).get(f"/api/checklists/{generic_v1.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["version"], body["label"]) == (str(generic_v1.pk), 1, "2026.1")
    assert {item["name"]: item for item in body["questions"]}["clean"]["deduction"] == 2.0


def test_drafts_and_unknown_ids_are_404(client_for, world, versions):
    draft = versions[-1]
    client = client_for(world.users.inspector)
    assert client.get(f"/api/checklists/{draft.pk}/").status_code == 404
    assert client.get(f"/api/checklists/{uuid.uuid4()}/").status_code == 404
    assert client.get("/api/checklists/not-a-uuid/").status_code == 404


def test_session_authentication_works_too(client, world, versions):
    client.force_login(world.users.volunteer)
    assert client.get("/api/checklists/").status_code == 200


def test_the_list_is_read_only(client_for, world, versions):
    client = client_for(world.users.manager)
    assert client.post("/api/checklists/", {}, format="json").status_code == 405
    assert client.delete(f"/api/checklists/{versions[0].pk}/").status_code == 405


@pytest.mark.parametrize("value", ["²", str(2**70), "-1", "0"])
def test_a_phase_that_is_no_id_is_400_naming_the_field(client_for, world, versions, value):
    response = client_for(world.users.inspector).get("/api/checklists/", {"phase": value})
    assert response.status_code == 400, response.content
    assert "whole number" in response.json()["phase"][0]


def test_empty_values_are_ignored_as_if_not_given(client_for, world, versions):
    client = client_for(world.users.inspector)
    assert ids(client.get("/api/checklists/", {"phase": "", "category": ""})) == ids(client.get("/api/checklists/"))
