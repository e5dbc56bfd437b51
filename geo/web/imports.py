"""The GIS import flow of the managers' page and the admin's tool pages: upload → preview → confirm.

The upload is kept under ``MEDIA_ROOT/gis-imports/`` between the preview and the confirmation, named by a random
token held in the uploader's session; the confirmation plans the file again (nothing the browser sends back is
trusted) and imports it in one transaction, then removes it."""

import secrets
import shutil
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can_import_places
from geo.io import ImportRefused, import_apply, import_preview
from geo.io.crs import COMMON_CRS
from geo.io.targets import TARGETS
from geo.models import HotspotCategory

SESSION_KEY = "gis_imports"
KEEP_SECONDS = 24 * 3600


class ImportForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Import"), choices=())
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("GeoPackage, zipped Shapefile (.shp, .shx, .dbf, .prj), GeoJSON, KML/KMZ or CSV."),
    )
    crs = forms.CharField(
        label=gettext_lazy("Coordinate reference system"),
        required=False,
        help_text=gettext_lazy("Only for a file that names none (a CSV, a shapefile without .prj): e.g. EPSG:4326."),
        widget=forms.TextInput(attrs={"list": "crs-choices", "placeholder": "EPSG:4326"}),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category of hotspots that name none"),
        queryset=HotspotCategory.objects.filter(active=True),
        to_field_name="code",
        required=False,
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        names = targets or list(TARGETS)
        self.fields["target"].choices = [(name, TARGETS[name].label) for name in names]
        if len(names) == 1:
            self.fields["target"].initial = names[0]
            self.fields["target"].widget = forms.HiddenInput()


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "gis-imports"


def _sweep() -> None:
    folder = _folder()
    if not folder.exists():
        return
    for stale in folder.iterdir():
        if stale.stat().st_mtime < time.time() - KEEP_SECONDS:
            shutil.rmtree(stale, ignore_errors=True)


def _keep(upload) -> tuple[str, Path]:
    _sweep()
    token = secrets.token_urlsafe(16)
    folder = _folder() / token
    folder.mkdir(parents=True)
    path = folder / Path(upload.name).name
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token, path


def _plan(request, pending: dict):
    return import_preview(
        path=Path(pending["path"]),
        name=pending["name"],
        target=pending["target"],
        user=request.user,
        crs=pending["crs"],
        defaults={"category": pending["category"]},
    )


def import_flow(request, *, template: str, context: dict, targets=None, done_url: str = ""):
    """Upload (POST with a file) → preview; confirm (POST with the token) → import. ``context`` is the page's."""
    if not can_import_places(request.user):
        raise PermissionDenied
    pending_all = request.session.get(SESSION_KEY, {})
    plan = error = token = None
    form = ImportForm(targets=targets)
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        pending = pending_all.get(token)
        if pending is None or not Path(pending["path"]).exists():
            error = _("That upload is no longer here: upload the file again.")
        else:
            try:
                plan = _plan(request, pending)
                result = import_apply(plan=plan, skip_refused=bool(request.POST.get("skip_refused")))
            except ImportRefused as exc:
                error = str(exc)
            else:
                shutil.rmtree(Path(pending["path"]).parent, ignore_errors=True)
                pending_all.pop(token, None)
                request.session[SESSION_KEY] = pending_all
                messages.success(
                    request,
                    _("Imported: %(created)d created, %(updated)d updated, %(skipped)d refused rows skipped.")
                    % {"created": result.created, "updated": result.updated, "skipped": result.skipped},
                )
                return redirect(done_url or request.path)
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES, targets=targets)
        if form.is_valid():
            token, path = _keep(form.cleaned_data["file"])
            category = form.cleaned_data["category"]
            pending = {
                "path": str(path),
                "name": form.cleaned_data["file"].name,
                "target": form.cleaned_data["target"],
                "crs": form.cleaned_data["crs"],
                "category": category.code if category else "",
            }
            try:
                plan = _plan(request, pending)
            except ImportRefused as exc:
                form.add_error(None, str(exc))
                shutil.rmtree(path.parent, ignore_errors=True)
                token = None
            else:
                pending_all[token] = pending
                request.session[SESSION_KEY] = pending_all
    return TemplateResponse(
        request,
        template,
        {**context, "form": form, "plan": plan, "token": token, "error": error, "crs_choices": COMMON_CRS},
    )


@login_required
def import_page(request):
    return import_flow(request, template="geo/import.html", context={"title": _("Import places from a GIS file")})
