"""Pages for reviewing inspections: a filterable list and one inspection with its findings, photos and checks.

Reads go through the selectors (scoped to the person); the views only arrange what they return for the templates.
"""

import json

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from geo.geodesy import distance_m
from geo.models import COMMUNITY_LEVEL, community_of
from geo.selectors import jurisdictions_for_user
from inspections.models import Campaign, FlagCode, Phase, PhotoFlag, ProblemType
from inspections.permissions import can_view_inspections
from inspections.reporting.scores import inspection_score
from inspections.selectors import findings_for_user, inspections_for_user, photos_for_user
from inspections.web.presenters import photo_urls, present_flag
from inspections.web.widgets import DateInput

PAGE_SIZE = 25


class InspectionListFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"), field_name="phase__campaign", queryset=Campaign.objects.all(), empty_label=_("All")
    )
    phase = django_filters.ModelChoiceFilter(
        label=_("Phase"), queryset=Phase.objects.select_related("campaign"), empty_label=_("All")
    )
    hotspot = django_filters.CharFilter(
        label=_("Hotspot"),
        field_name="hotspot__name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": _("Name contains…"), "type": "search"}),
    )
    jurisdiction = django_filters.ModelChoiceFilter(
        label=_("Community"), method="filter_jurisdiction", queryset=None, empty_label=_("All")
    )
    problem_type = django_filters.ModelChoiceFilter(
        label=_("Problem type"),
        method="filter_problem_type",
        queryset=ProblemType.objects.filter(active=True),
        to_field_name="code",
        empty_label=_("All"),
    )
    flag = django_filters.ChoiceFilter(
        label=_("Photo check"), method="filter_flag", choices=FlagCode.choices, empty_label=_("All")
    )
    date_from = django_filters.DateFilter(
        label=pgettext_lazy("date", "From"), field_name="started_at", lookup_expr="date__gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=pgettext_lazy("date", "To"), field_name="started_at", lookup_expr="date__lte", widget=DateInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["jurisdiction"].queryset = jurisdictions_for_user(self.request.user).filter(level=COMMUNITY_LEVEL)
        self.form.fields["jurisdiction"].label_from_instance = lambda j: j.display_name

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(value.subtree_q("jurisdiction__"))

    def filter_problem_type(self, queryset, name, value):
        findings = findings_for_user(self.request.user).filter(problem_type=value)
        return queryset.filter(pk__in=findings.values("inspection"))

    def filter_flag(self, queryset, name, value):
        photos = photos_for_user(self.request.user).filter(flags__code=value)
        return queryset.filter(pk__in=photos.values("finding__inspection"))


def _count(queryset, group_by: str):
    """A per-inspection count from a scoped queryset, as a subquery (0 when there is none)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk", distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@login_required
def inspection_list(request):
    if not can_view_inspections(request.user):
        raise PermissionDenied
    user = request.user
    findings = findings_for_user(user).filter(inspection=OuterRef("pk"))
    flagged = photos_for_user(user).filter(finding__inspection=OuterRef("pk"), flags__isnull=False)
    queryset = (
        inspections_for_user(user)
        .select_related("jurisdiction__parent", "hotspot__category")
        .annotate(
            finding_count=_count(findings, "inspection"),
            flagged_photo_count=_count(flagged, "finding__inspection"),
        )
        .order_by("-started_at", "-received_at")
    )
    filterset = InspectionListFilter(request.GET or None, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for inspection in page:
        inspection.community = community_of(inspection.jurisdiction)
    active_filters = sum(1 for name in filterset.filters if request.GET.get(name))
    return render(
        request,
        "inspections/list.html",
        {"filter": filterset, "page": page, "active_filters": active_filters},
    )


def _shown(value):
    """An answer as the page prints it: booleans stay booleans for the template, lists are joined."""
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value)
    if isinstance(value, dict):
        if {"lon", "lat"} <= set(value):
            return f"{value['lat']:.6f}, {value['lon']:.6f}"
        return json.dumps(value, ensure_ascii=False)
    return value


def _points(value: float) -> str | None:
    """Points as people write them (2, 3.5, 0.25), localized; None for none lost."""
    if not value:
        return None
    value = round(value, 2)
    return number_format(int(value) if value.is_integer() else value)


def _answer_rows(answers) -> list[dict]:
    """The checklist answers as rows {question, answer, deduction, failed}.

    Answers given with a checklist version are stored as a snapshot (a list of answered items with their labels and
    the points each lost, mobile_forms.answers); answers without one as an object question → answer.
    """
    if isinstance(answers, dict):
        return [
            {"question": str(key), "answer": _shown(value), "deduction": None, "failed": False}
            for key, value in answers.items()
        ]
    if not isinstance(answers, list):
        return []
    english = (get_language() or "").startswith("en")
    rows = []
    for item in answers:
        if not isinstance(item, dict):
            continue
        label = (english and item.get("label_en")) or item.get("label") or item.get("name", "")
        value = item.get("value")
        if not isinstance(value, bool) and item.get("value_label"):
            value = (english and item.get("value_label_en")) or item["value_label"]
        rows.append(
            {
                "question": label,
                "answer": _shown(value),
                "deduction": _points(item.get("deduction") or 0.0),
                "failed": bool(item.get("failed")),
            }
        )
    return rows


def _map_data(inspection, findings) -> dict:
    hotspot = inspection.hotspot
    data = {
        "hotspot": None,
        "inspection": {"lon": inspection.location.x, "lat": inspection.location.y},
        "position": None,
        "findings": [],
        "photos": [],
    }
    if hotspot is not None:
        data["hotspot"] = {
            "name": hotspot.name,
            "color": hotspot.category.color,
            "geometry": json.loads(hotspot.geometry.geojson),
        }
    if inspection.position is not None:
        data["position"] = {
            "lon": inspection.position.x,
            "lat": inspection.position.y,
            "accuracy": inspection.position_accuracy_m,
        }
    for number, finding in enumerate(findings, start=1):
        data["findings"].append(
            {
                "id": str(finding.pk),
                "number": number,
                "lon": finding.location.x,
                "lat": finding.location.y,
                "label": finding.problem_type.display_name,
            }
        )
        for photo in finding.photo_list:
            point = photo.file.exif_point
            if point is None:
                continue
            data["photos"].append(
                {
                    "id": str(photo.pk),
                    "finding": str(finding.pk),
                    "number": number,
                    "lon": point.x,
                    "lat": point.y,
                    "role": photo.get_role_display(),
                    "flagged": bool(photo.flag_list),
                    "distance": photo.distance_m,
                }
            )
    return data


@login_required
def inspection_detail(request, pk):
    if not can_view_inspections(request.user):
        raise PermissionDenied
    user = request.user
    inspection = get_object_or_404(
        inspections_for_user(user).select_related(
            "jurisdiction__parent", "hotspot__category", "hotspot__sponsoring_unit"
        ),
        pk=pk,
    )
    photos = photos_for_user(user).prefetch_related(
        Prefetch("flags", queryset=PhotoFlag.objects.select_related("other_photo__finding"), to_attr="flag_list")
    )
    findings = list(
        findings_for_user(user)
        .filter(inspection=inspection)
        .select_related("likely_duplicate_of__inspection__hotspot", "likely_duplicate_of__problem_type", "task__unit")
        .prefetch_related(Prefetch("photos", queryset=photos, to_attr="photo_list"))
        .order_by("created_at", "pk")
    )
    visible_inspections = set(
        inspections_for_user(user)
        .filter(
            pk__in=[f.likely_duplicate_of.inspection_id for f in findings if f.likely_duplicate_of_id]
            + [
                flag.other_photo.finding.inspection_id
                for f in findings
                for p in f.photo_list
                for flag in p.flag_list
                if flag.other_photo_id
            ]
        )
        .values_list("pk", flat=True)
    )
    flagged_photos = 0
    for finding in findings:
        duplicate = finding.likely_duplicate_of
        finding.duplicate_url = (
            reverse("inspections:inspection-detail", kwargs={"pk": duplicate.inspection_id})
            + f"#finding-{duplicate.pk}"
            if duplicate is not None and duplicate.inspection_id in visible_inspections
            else None
        )
        for photo in finding.photo_list:
            photo.urls = photo_urls(photo)
            point = photo.file.exif_point
            photo.distance_m = (
                round(distance_m(finding.location.x, finding.location.y, point.x, point.y), 1) if point else None
            )
            for flag in photo.flag_list:
                present_flag(flag)
                other = flag.other_photo
                flag.other_url = (
                    reverse("inspections:inspection-detail", kwargs={"pk": other.finding.inspection_id})
                    + f"#photo-{other.pk}"
                    if other is not None and other.finding.inspection_id in visible_inspections
                    else None
                )
            flagged_photos += bool(photo.flag_list)
    return render(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "community": community_of(inspection.jurisdiction),
            "answers": _answer_rows(inspection.answers),
            "score": None
            if inspection.deduction is None
            else {
                "score": _points(inspection_score(inspection.deduction)) or "0",
                "deduction": _points(inspection.deduction) or "0",
            },
            "findings": findings,
            "photo_count": sum(len(f.photo_list) for f in findings),
            "flagged_photos": flagged_photos,
            "map_data": _map_data(inspection, findings),
            "tiles_url": settings.MAP_TILES_URL,
            "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        },
    )
