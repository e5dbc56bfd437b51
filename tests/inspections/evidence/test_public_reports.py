"""A citizen's report recorded as a finding by the client's account: routed, in triage, idempotent on its key."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from inspections.errors import Unavailable
from inspections.evidence.public_reports import ReportInput, public_report_submit, reporting_client_create
from inspections.models import ProblemType, TaskOrigin, TaskStatus

pytestmark = pytest.mark.django_db


def data(**overrides):
    values = {
        "problem_type": ProblemType.objects.get(code="exposed_garbage"),
        "location": Point(116.225, 39.842, srid=4326),  # the east committee's, near no hotspot
        "description": "垃圾",
    }
    return ReportInput(**{**values, **overrides})


def test_a_report_is_routed_by_place_and_waits_for_triage(world, phase):
    client, _key = reporting_client_create(name="app")
    report, created = public_report_submit(client=client, data=data())
    task = report.finding.task
    assert created and report.finding.inspection.inspector == client.account
    assert (task.origin, task.status, task.unit) == (TaskOrigin.PUBLIC, TaskStatus.TRIAGE, world.east_committee)


def test_the_same_key_is_the_same_report(world, phase):
    client, _key = reporting_client_create(name="app")
    first, created = public_report_submit(client=client, data=data(client_key="k1"))
    again, replayed = public_report_submit(client=client, data=data(client_key="k1", description="other"))
    assert created and not replayed and again.pk == first.pk


def test_a_client_scoped_to_a_community_cannot_report_elsewhere(world, phase):
    client, _key = reporting_client_create(name="west app", jurisdiction=world.west)
    with pytest.raises(ValidationError) as refused:
        public_report_submit(client=client, data=data())  # in the east community
    assert "location" in refused.value.message_dict


def test_an_inactive_problem_type_and_no_place_are_refused(world, phase):
    client, _key = reporting_client_create(name="app")
    with pytest.raises(ValidationError):
        public_report_submit(client=client, data=data(location=None, address_string="宛平城"))
    ProblemType.objects.filter(code="exposed_garbage").update(active=False)
    with pytest.raises(ValidationError):
        public_report_submit(client=client, data=data())


def test_without_a_running_phase_nothing_is_taken(world):
    client, _key = reporting_client_create(name="app")
    with pytest.raises(Unavailable):
        public_report_submit(client=client, data=data())
