"""Managers' briefings (通报 / 简报): the form that asks for one, the list of their area's briefings with the
progress of those being built (polled as JSON), and the files, served only to whoever may see the briefing."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from inspections.models import Briefing, BriefingStatus, Phase
from inspections.permissions import can_request_briefing
from inspections.reporting.briefings.services import briefing_request
from inspections.reporting.metrics import checked_period
from inspections.selectors import briefings_for_user
from inspections.web.widgets import DateInput

PAGE_SIZE = 20
FILES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class BriefingForm(forms.Form):
    phase = forms.ModelChoiceField(
        label=gettext_lazy("Phase"),
        queryset=Phase.objects.select_related("campaign").order_by("-starts_on", "pk"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the phases listed.")},
    )
    start = forms.DateField(label=pgettext_lazy("date", "From"), widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("date", "To"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            data["period"] = checked_period(data["start"], data["end"])
        return data


def _initial() -> dict:
    today = timezone.localdate()
    phase = Phase.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on").first()
    week_ago = today - dt.timedelta(days=6)
    start = max(phase.starts_on, week_ago) if phase else week_ago
    return {"phase": phase.pk if phase else None, "start": start, "end": today}


@require_http_methods(["GET", "POST"])
@login_required
def briefing_list(request):
    if not can_request_briefing(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = BriefingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            briefing = briefing_request(user=request.user, phase=data["phase"], period=data["period"])
            briefing.refresh_from_db()
            if briefing.status == BriefingStatus.FAILED:
                messages.error(request, _("The briefing could not be built: %(error)s") % {"error": briefing.error})
            else:
                messages.success(request, _("The briefing is being built; its files appear below when ready."))
            return redirect("briefings:list")
        status = 400
    else:
        # The dashboard's "generate a briefing" link proposes its phase and period.
        asked = {key: request.GET[key] for key in ("phase", "start", "end") if request.GET.get(key)}
        form = BriefingForm(initial={**_initial(), **asked})
        status = 200
    page = Paginator(briefings_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/briefings.html", {"form": form, "page": page}, status=status)


def _visible(request, pk: int) -> Briefing:
    if not can_request_briefing(request.user):
        raise PermissionDenied
    return get_object_or_404(briefings_for_user(request.user), pk=pk)


@require_GET
@login_required
def briefing_progress(request, pk: int):
    """`{"status", "label", "progress", "step", "error", "files": {"docx": url, "xlsx": url}}` for the page's poll."""
    briefing = _visible(request, pk)
    files = {}
    if briefing.status == BriefingStatus.DONE:
        files = {kind: reverse("briefings:download", args=[briefing.pk, kind]) for kind in FILES}
    return JsonResponse(
        {
            "status": briefing.status,
            "label": briefing.get_status_display(),
            "progress": briefing.progress,
            "step": briefing.step,
            "error": briefing.error,
            "files": files,
        }
    )


@require_GET
@login_required
def briefing_download(request, pk: int, kind: str):
    if kind not in FILES:
        raise Http404(_("A briefing has a DOCX and an XLSX file."))
    briefing = _visible(request, pk)
    stored = getattr(briefing, kind)
    if briefing.status != BriefingStatus.DONE or not stored:
        raise Http404(_("This briefing has no files yet."))
    name = f"briefing-{briefing.period_start:%Y%m%d}-{briefing.period_end:%Y%m%d}-{briefing.pk}.{kind}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name, content_type=FILES[kind])
