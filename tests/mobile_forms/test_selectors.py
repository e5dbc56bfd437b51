"""Which versions are in force: the latest published one per checklist, a phase's own checklist before the generic."""

import datetime as dt
import uuid

import pytest

from inspections.models import Campaign, Phase, PhaseKind
from mobile_forms.selectors import version_in_force, versions_by_id, versions_in_force
from mobile_forms.services import version_draft_from
from tests.mobile_forms.xlsforms import all_types_questions, publish

pytestmark = pytest.mark.django_db


def make_phase(kind):
    today = dt.date(2026, 3, 1)
    campaign, _ = Campaign.objects.get_or_create(
        name="创建首都文明区", defaults={"starts_on": today, "ends_on": today + dt.timedelta(days=90)}
    )
    return Phase.objects.create(campaign=campaign, kind=kind, starts_on=today, ends_on=today + dt.timedelta(days=20))


@pytest.fixture
def versions():
    generic_v1 = publish(category="bus_stop", label="2026.1")
    changed = all_types_questions()
    changed[1]["deduction"] = 4.0
    generic_v2 = publish(changed, category="bus_stop", label="2026.2")
    acceptance = publish(category="bus_stop", phase_kind="acceptance", title="公交站验收检查表")
    market = publish(category="farmers_market", title="农贸市场检查表")
    version_draft_from(version=market)
    return generic_v1, generic_v2, acceptance, market


def test_only_the_latest_published_version_of_each_checklist_is_in_force(versions):
    _generic_v1, generic_v2, acceptance, market = versions
    assert versions_in_force() == [market, generic_v2, acceptance]  # category order, generic before specific


def test_a_phase_gets_its_own_checklist_before_the_generic_one(versions):
    _v1, generic_v2, acceptance, market = versions
    assert versions_in_force(phase=make_phase(PhaseKind.ACCEPTANCE)) == [market, acceptance]
    assert versions_in_force(phase=make_phase(PhaseKind.SELF_INSPECTION)) == [market, generic_v2]
    assert version_in_force(category="bus_stop", phase=make_phase(PhaseKind.MOCK_EVALUATION)) == generic_v2
    assert version_in_force(category="bus_stop") == generic_v2
    assert version_in_force(category="green_space") is None


def test_category_filter_and_inactive_checklists(versions):
    _v1, generic_v2, acceptance, market = versions
    assert versions_in_force(category="bus_stop") == [generic_v2, acceptance]
    market.checklist.active = False
    market.checklist.save()
    assert versions_in_force() == [generic_v2, acceptance]


def test_versions_by_id_finds_superseded_ones_but_no_drafts(versions):
    generic_v1, generic_v2, _acceptance, market = versions
    draft = market.checklist.versions.get(published_at__isnull=True)
    found = versions_by_id([generic_v1.pk, str(generic_v2.pk), draft.pk, "not-a-uuid", uuid.uuid4()])
    assert found == {generic_v1.pk: generic_v1, generic_v2.pk: generic_v2}
    assert versions_by_id([]) == {}
