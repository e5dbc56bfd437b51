"""Reading a batch's inspection and finding items into service inputs, or into the reasons they are refused.

A well-formed item is read directly: through the REST serializers, reading alone would take 0.3–0.4 ms per item,
about what a whole replay of an item takes. The quick reading checks the limits of `inspections.api.contract`, the
same the serializers declare; anything unusual (a number sent as a string, a naive time, an unknown code, a value
out of bounds) goes through the serializers themselves, so what is accepted and the messages of what is not are
the REST API's (tests compare the two readings).
"""

import dataclasses
import uuid

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from geo.models import Hotspot
from geo.routing import wgs84_point
from inspections.api.contract import (
    FINDING,
    INSPECTION,
    MAX_FINDINGS,
    SEVERITIES,
    is_accuracy,
    is_description,
    is_free_answers,
    is_lon_lat,
)
from inspections.evidence.batch import FindingItem
from inspections.evidence.inspections import FindingInput, InspectionInput
from inspections.models import Phase, ProblemType
from mobile_forms.answers import snapshot
from mobile_forms.api.sync_serializers import SyncFindingSerializer, SyncInspectionSerializer
from mobile_forms.selectors import versions_by_id
from mobile_forms.sync.reasons import describe


class Unusual(Exception):
    """The quick reading gives up on this item; the REST serializers read it."""


class Parser:
    """Turns the batch's items into service inputs (or refusal reasons), looking up what they refer to at once."""

    def __init__(self, items: list, by_type: dict[str, list[int]]):
        self.values: dict[int, InspectionInput | FindingItem | str] = {}
        inspections = [items[i] for i in by_type[INSPECTION]]
        findings = [items[i] for i in by_type[FINDING]]
        every_finding = findings + [f for item in inspections for f in _list(item.get("findings"))]
        self.hotspots = Hotspot.objects.in_bulk(_ints(item.get("hotspot") for item in inspections))
        self.phases = Phase.objects.select_related("campaign").in_bulk(_ints(item.get("phase") for item in inspections))
        codes = {f.get("problem_type") for f in every_finding if isinstance(f, dict)}
        self.problem_types = {
            pt.code: pt for pt in ProblemType.objects.filter(active=True, code__in=[c for c in codes if _text(c)])
        }
        self.versions = versions_by_id(
            item["checklist_version"] for item in inspections if _text(item.get("checklist_version"))
        )
        for index in by_type[INSPECTION]:
            self.values[index] = self._inspection(items[index])
        for index in by_type[FINDING]:
            self.values[index] = self._finding(items[index])

    def _inspection(self, item: dict) -> InspectionInput | str:
        try:
            data = self.quick_inspection(item)
        except Unusual:
            payload = SyncInspectionSerializer(data=item)
            if not payload.is_valid():
                return describe(payload.errors)
            version = payload.validated_data.get("checklist_version")
            data = dataclasses.replace(payload.to_input(), checklist_version=version)
        if data.checklist_version is None:
            return data
        version = self.versions.get(data.checklist_version)
        if version is None:
            version = versions_by_id([data.checklist_version]).get(data.checklist_version)
        if version is None:
            return _("unknown checklist version %(id)s") % {"id": data.checklist_version}
        try:
            return dataclasses.replace(data, answers=snapshot(version, data.answers))
        except ValidationError as exc:
            return describe(exc)

    def _finding(self, item: dict) -> FindingItem | str:
        try:
            return FindingItem(inspection_id=_uuid(item.get("inspection")), finding=self.quick_finding(item))
        except Unusual:
            payload = SyncFindingSerializer(data=item)
            if not payload.is_valid():
                return describe(payload.errors)
            return payload.to_item()

    def quick_inspection(self, item: dict) -> InspectionInput:
        hotspot = item.get("hotspot")
        if hotspot is not None:
            hotspot = self._get(self.hotspots, hotspot if _int(hotspot) else None)
        phase = self._get(self.phases, item.get("phase") if _int(item.get("phase")) else None)
        position, accuracy = None, None
        if item.get("position") is not None:
            raw = _dict(item["position"])
            position = _point(raw)
            accuracy = raw.get("accuracy")
            if accuracy is not None:
                if not is_accuracy(accuracy):
                    raise Unusual
                accuracy = float(accuracy)
        answers = item.get("answers", {})
        if not isinstance(answers, dict):
            raise Unusual
        version = item.get("checklist_version")
        if version is None and not is_free_answers(answers):
            raise Unusual
        findings = item.get("findings", [])
        if not isinstance(findings, list) or len(findings) > MAX_FINDINGS:
            raise Unusual
        return InspectionInput(
            id=_uuid(item.get("id")),
            phase=phase,
            started_at=_datetime(item.get("started_at")),
            hotspot=hotspot,
            ended_at=_datetime(item["ended_at"]) if item.get("ended_at") is not None else None,
            location=_point(_dict(item["location"])) if item.get("location") is not None else None,
            position=position,
            accuracy_m=accuracy,
            answers=answers or {},
            checklist_version=_uuid(version) if version is not None else None,
            findings=[self.quick_finding(_dict(f)) for f in findings],
        )

    def quick_finding(self, item: dict) -> FindingInput:
        severity = item.get("severity", "")
        description = item.get("description", "")
        if severity not in SEVERITIES and severity != "":
            raise Unusual
        if not isinstance(description, str):
            raise Unusual
        description = description.strip()
        if not is_description(description):
            raise Unusual
        code = item.get("problem_type")
        return FindingInput(
            id=_uuid(item.get("id")),
            problem_type=self._get(self.problem_types, code if _text(code) else None),
            severity=severity,
            description=description,
            location=_point(_dict(item["location"])) if item.get("location") is not None else None,
        )

    @staticmethod
    def _get(found: dict, key):
        if key is None or key not in found:
            raise Unusual
        return found[key]


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ints(values) -> set[int]:
    return {value for value in values if _int(value)}


def _text(value) -> bool:
    return isinstance(value, str) and bool(value)


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    if not isinstance(value, dict):
        raise Unusual
    return value


def _uuid(value) -> uuid.UUID:
    if not isinstance(value, str):
        raise Unusual
    try:
        return uuid.UUID(hex=value)
    except ValueError:
        raise Unusual from None


def _datetime(value):
    if not isinstance(value, str):
        raise Unusual
    try:
        parsed = parse_datetime(value)
    except ValueError:
        raise Unusual from None
    if parsed is None or timezone.is_naive(parsed):
        raise Unusual
    return parsed.astimezone(timezone.get_current_timezone())


def _point(value: dict) -> Point:
    lon, lat = value.get("lon"), value.get("lat")
    if not is_lon_lat(lon, lat):
        raise Unusual
    return wgs84_point(float(lon), float(lat))
