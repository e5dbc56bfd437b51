"""The tablet app under /m/: the app shell, its web app manifest, its service worker and a session probe.

The app itself is static JavaScript (static/mobile/); these views only hand it what must come from the server:
the signed-in person, translated strings, URLs, and the list of files the service worker keeps for offline use.
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from accounts.roles import is_unit_member
from inspections.models import TaskStatus
from inspections.permissions import can_submit_inspection
from inspections.rectification.geofence import geofence_radius_m
from inspections.rectification.workflow import MOVES, OPEN, RECORD_LABELS, WITH_UNIT, Actor, action_label, move_form
from mobile_forms.plurals import plural_texts

SCOPE = "/m/"
THEME_COLOR = "#b42318"
BACKGROUND_COLOR = "#f4f6f8"
# Photos travel in chunks of this size through the resumable PUT /api/photos/<uuid>/.
PHOTO_CHUNK_BYTES = 512 * 1024
TILE_CACHE_ENTRIES = 600
PHOTO_CACHE_ENTRIES = 400

# ES modules are loaded under their plain names (relative imports between them cannot carry hashed names);
# the service worker's version changes whenever one of them does, so an update is never half applied.
MODULES = [
    "mobile/js/app.js",
    "mobile/js/api.js",
    "mobile/js/checklist.js",
    "mobile/js/conditions.js",
    "mobile/js/db.js",
    "mobile/js/draft.js",
    "mobile/js/findings.js",
    "mobile/js/geo.js",
    "mobile/js/hotspots.js",
    "mobile/js/inspection.js",
    "mobile/js/map.js",
    "mobile/js/outbox.js",
    "mobile/js/queue.js",
    "mobile/js/rounds.js",
    "mobile/js/router.js",
    "mobile/js/shell.js",
    "mobile/js/state.js",
    "mobile/js/sync.js",
    "mobile/js/tasks.js",
    "mobile/js/ui.js",
    "vendor/idb/index.js",
]
ASSETS = [
    "mobile/css/app.css",
    "favicon.svg",
    "mobile/icons/icon-192.png",
    "mobile/icons/icon-512.png",
    "mobile/icons/maskable-512.png",
    "leaflet/leaflet.css",
    "leaflet/leaflet.js",
    "leaflet/images/layers.png",
    "leaflet/images/layers-2x.png",
    "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
]
SW_SOURCE = "mobile/sw.js"


def _static_prefix() -> str:
    return settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL


def _module_url(path: str) -> str:
    return _static_prefix() + path


def _read_static(path: str) -> bytes:
    found = finders.find(path)
    if found:
        with open(found, "rb") as handle:
            return handle.read()
    from django.contrib.staticfiles.storage import staticfiles_storage

    with staticfiles_storage.open(path) as handle:
        return handle.read()


@lru_cache(maxsize=1)
def _release() -> str:
    """A short hash of everything the service worker precaches: a new release installs a new worker."""
    digest = hashlib.sha256()
    for path in [SW_SOURCE, *MODULES, *ASSETS]:
        digest.update(path.encode())
        digest.update(_read_static(path))
    return digest.hexdigest()[:16]


def _urls() -> dict:
    return {
        "app": reverse("mobile:app"),
        "session": reverse("mobile:session"),
        "serviceWorker": reverse("mobile:service-worker"),
        "login": reverse("login") + "?next=" + SCOPE,
        "logout": reverse("logout"),
        "setLanguage": reverse("set_language"),
        "hotspots": reverse("hotspot-list") + "?active=true",
        "jurisdictions": reverse("jurisdiction-list") + "?level=2",
        # The phase running today by the server's date (the tablet's clock may be wrong).
        "campaigns": reverse("campaign-list") + "?current=true",
        # Today's rounds of the person signed in (kept by the service worker like every API read).
        "rounds": reverse("round-list") + "?date=today&inspector=me",
        "problemTypes": reverse("problem-type-list"),
        "checklists": "/api/checklists/",
        "inspections": reverse("inspection-list"),
        "sync": "/api/sync/",
        "photos": "/api/photos/",
        "tasks": reverse("task-list"),
        "units": reverse("unit-list"),
    }


def _workflow() -> dict:
    """The unit's moves of the workflow table, in the table's order, with their forms (``move_form``), and the task
    states, so that the app can ask for each move's fields and show what it queued offline (the server judges every
    move again when it arrives)."""
    return {
        "moves": [
            {
                **move_form(move),
                "sources": sorted(move.sources),
                "target": move.target,
                "needsNote": move.needs_note,
            }
            for move in MOVES.values()
            if move.actor == Actor.UNIT
        ],
        "labels": {action: str(action_label(action)) for action in [*RECORD_LABELS, *MOVES]},
        "statuses": {value: str(label) for value, label in TaskStatus.choices},
        "open": sorted(OPEN),
        "withUnit": sorted(WITH_UNIT),
        "workdayEnd": str(settings.WORKDAY_END),
        "geofenceRadius": geofence_radius_m(),
    }


def _user_info(user) -> dict:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "role": user.get_role_display() if hasattr(user, "get_role_display") else "",
        "canInspect": can_submit_inspection(user),
        "worksOnTasks": is_unit_member(user),  # the app opens on the unit's tasks instead of the hotspots
        "unit": {"id": user.unit_id, "name": user.unit.display_name} if getattr(user, "unit_id", None) else None,
    }


@login_required
@ensure_csrf_cookie
def app(request):
    """The app shell: one page; the service worker keeps it, so it opens offline too."""
    config = {
        "user": _user_info(request.user),
        "language": get_language(),
        "release": _release(),
        "scope": SCOPE,
        "urls": _urls(),
        "center": list(settings.MAP_CENTER),
        "tilesUrl": settings.MAP_TILES_URL,
        "tilesAttribution": settings.MAP_TILES_ATTRIBUTION,
        "maxAccuracy": settings.POSITION_MAX_ACCURACY_M,
        "chunkSize": PHOTO_CHUNK_BYTES,
        "workflow": _workflow(),
    }
    response = render(
        request,
        "mobile_forms/app.html",
        {
            "config": config,
            "app_module": _module_url("mobile/js/app.js"),
            "languages": settings.LANGUAGES,
            "plurals": plural_texts(),
        },
    )
    # The service worker decides what is reused; the browser's HTTP cache must not keep one person's shell.
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def manifest(request):
    """The web app manifest: public (browsers fetch it without cookies), in the request's language."""

    def icon(path: str, size: int, purpose: str) -> dict:
        return {"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}

    body = {
        "id": SCOPE,
        "name": _("Civic hotspot inspection"),
        "short_name": _("Inspection"),
        "description": _("Inspect hotspots, log findings with photos, and send them when there is a connection."),
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": SCOPE,
        "scope": SCOPE,
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["productivity", "utilities"],
        "icons": [
            icon("mobile/icons/icon-192.png", 192, "any"),
            icon("mobile/icons/icon-512.png", 512, "any"),
            icon("mobile/icons/maskable-512.png", 512, "maskable"),
        ],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2), content_type="application/manifest+json; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    response["Vary"] = "Accept-Language, Cookie"
    return response


@require_GET
def service_worker(request):
    """The service worker (an ES module), with its release and the files it keeps; never cached by HTTP."""
    config = {
        "release": _release(),
        "scope": SCOPE,
        "shell": reverse("mobile:app"),
        "manifest": reverse("mobile:manifest"),
        "precache": [_module_url(path) for path in MODULES] + [static(path) for path in ASSETS],
        "staticPrefix": _static_prefix(),
        "apiPrefix": "/api/",
        "noCache": [reverse("mobile:session"), reverse("mobile:service-worker")],
        "tileEntries": TILE_CACHE_ENTRIES,
        "photoEntries": PHOTO_CACHE_ENTRIES,
    }
    source = _read_static(SW_SOURCE).decode()
    source = source.replace("__STATIC_URL__", _static_prefix()).replace(
        "__SW_CONFIG__", json.dumps(config, ensure_ascii=False)
    )
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = SCOPE
    response["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return response


@never_cache
@require_GET
def session(request):
    """Who is signed in, in which language, with a fresh CSRF token: the app asks before it sends anything."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "login": _urls()["login"]}, status=401)
    return JsonResponse(
        {
            "authenticated": True,
            "user": _user_info(request.user),
            "language": get_language(),
            "release": _release(),
            "csrfToken": get_token(request),
        }
    )
