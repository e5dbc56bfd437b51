"""Settings shared by every environment; everything deployment-specific comes from environment variables."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "config.apps.AxesConfig",  # django-axes, with a translatable name for its admin section
    "accounts",
    "geo",
    "inspections",
    "mobile_forms",
    "fixtures",
    "backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.busy.DatabaseBusyMiddleware",
    # Last, so that it sees the lockout flag the login views' authenticate() left on the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "inspections.web.notifications.context_processors.unread_notifications",
                "inspections.web.navigation.navigation",
            ],
        },
    },
]

# DATABASE_URL picks the backend: spatialite:///path/to/file.sqlite3 (embedded default) or
# postgis://user:password@host:port/name (production).
DATABASE_URL = os.environ.get("DATABASE_URL") or f"spatialite:///{VAR_DIR / 'wenming.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")))}
if DATABASES["default"]["ENGINE"].endswith("spatialite"):
    # SQLite has one writer at a time. WAL lets reads go on while a write commits; a transaction that takes the write
    # lock when it begins (IMMEDIATE) waits up to `timeout` seconds for the writer before it, whereas one that read
    # first (DEFERRED) would fail at once with "database is locked". Every atomic block is then a writer: reads stay
    # outside transactions (ATOMIC_REQUESTS is off). Within one process the writers also queue first come, first
    # served (config/db/spatialite), so that a burst of tablets waits its turn instead of racing in SQLite's busy loop.
    DATABASES["default"]["ENGINE"] = "config.db.spatialite"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
SPATIALITE_LIBRARY_PATH = os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (django-axes, database handler): after AXES_FAILURE_LIMIT failed sign-ins with one username from
# one address, that pair is locked out for AXES_COOLOFF_MINUTES (0: until an administrator unlocks it in the admin,
# "Access attempts", or with `manage.py axes_reset_username`). A successful sign-in clears the count. It guards
# every authenticate() that passes the request: the login page, the admin's login and POST /api/auth/token/.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15"))) or None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
# How many reverse proxies that append to X-Forwarded-For stand in front (1 for the nginx of the README): the
# client's address is then the one the outermost proxy saw; 0 takes REMOTE_ADDR and ignores the header.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_VERBOSE = False
# Open311 (inspections.open311): POSTs of citizens' reports allowed per API key and per client address, in the
# default cache (Redis in production when REDIS_URL is set). A limit passed answers 429 with Retry-After.
OPEN311_POST_RATES = {
    "key": os.environ.get("OPEN311_RATE_PER_KEY", "120/minute"),
    "address": os.environ.get("OPEN311_RATE_PER_ADDRESS", "10/minute"),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Chinese numbers grouped by a comma (12,345), as the charts write them; see config/formats/zh_Hans.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
# Business hours of the working-day calendar (deadlines, "4 working hours before", handling times).
WORKDAY_START = os.environ.get("WORKDAY_START", "09:00")
WORKDAY_END = os.environ.get("WORKDAY_END", "18:00")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Front-end plugins come from npm (package.json + lock), served from node_modules, never from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet.markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
    ("vendor/idb", BASE_DIR / "node_modules" / "idb" / "build"),
    ("vendor/leaflet.heat", BASE_DIR / "node_modules" / "leaflet.heat" / "dist"),
    ("vendor/leaflet.vectorgrid", BASE_DIR / "node_modules" / "leaflet.vectorgrid" / "dist"),
    ("vendor/gcoord", BASE_DIR / "node_modules" / "gcoord" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous API call gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "geo.api.ordering.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wenming inspection API",
    "DESCRIPTION": (
        "Hotspots, jurisdictions, rectification units and routing for a district's civilized-city campaign. "
        "Geometry is WGS84 (EPSG:4326). Tablets authenticate with `POST /api/auth/token/` and send "
        "`Authorization: Token <token>`. A JSON body nested more than 64 levels deep answers 400 (every endpoint). "
        "An empty query parameter is ignored, as if it were not given; an id parameter that is not a whole number "
        "from 1 to 9223372036854775807 answers 400 naming the parameter. A write that cannot get the database's "
        "lock in time (many writers at once "
        "on the embedded SpatiaLite database) answers 503 with `Retry-After` (seconds) and a `detail` message: "
        "nothing of the failed step was stored; send the same request again."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.openapi.document_errors"],
    # Swagger UI from the installed sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SeverityEnum": "inspections.models.findings.Severity",
        "TaskStatusEnum": "inspections.models.tasks.TaskStatus",
        "TaskActionEnum": "inspections.rectification.workflow.PUBLIC_ACTIONS",
        "KindEnum": "inspections.models.campaigns.PhaseKind",
        "MoveFieldKindEnum": "inspections.rectification.workflow.FieldKind",
        "MoveToneEnum": "inspections.rectification.workflow.Tone",
    },
}

# Basemap: any XYZ tile URL the district's network can reach (Tianditu with a key, an intranet tile server…).
# Empty means no raster basemap; the vector layers still draw.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "© OpenStreetMap contributors")
# Tianditu (天地图) is offered on the map only with a key; AMap/Gaode (GCJ-02) unless its URL is set empty.
TIANDITU_KEY = os.environ.get("TIANDITU_KEY", "")
MAP_AMAP_TILES_URL = os.environ.get(
    "MAP_AMAP_TILES_URL",
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
)
# The most features the map asks of a layer's GeoJSON; when more match it draws the layer from vector tiles.
MAP_GEOJSON_LIMIT = int(os.environ.get("MAP_GEOJSON_LIMIT", "5000"))
MAP_CENTER = (39.852, 116.222)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": MAP_CENTER,
    "DEFAULT_ZOOM": 14,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    "TILES": [(_("Basemap"), MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 19})]
    if MAP_TILES_URL
    else [],
    "RESET_VIEW": False,
}

# Routing: how close (metres) a point must be to a point-shaped hotspot to count as "on" it.
ROUTING_HOTSPOT_RADIUS_M = float(os.environ.get("ROUTING_HOTSPOT_RADIUS_M", "50"))

# The map: the most features one GeoJSON answer of a layer carries (more: the answer says "truncated"; the map
# switches to vector tiles).
LAYER_GEOJSON_MAX_FEATURES = int(os.environ.get("LAYER_GEOJSON_MAX_FEATURES", "20000"))
# How long a browser may keep a vector tile (Cache-Control: private, max-age) and the server's cache holds it: a task
# turns overdue without any write, so no tile is drawn from data older than this.
LAYER_TILES_MAX_AGE = int(os.environ.get("LAYER_TILES_MAX_AGE", "60"))
# The most features one vector tile carries (0: no limit). Without one, a tile over a dense district at a low zoom
# can hold every finding: 159 MB for a million, and past PostgreSQL's 1 GB limit on one value for ten million.
LAYER_TILE_MAX_FEATURES = int(os.environ.get("LAYER_TILE_MAX_FEATURES", "50000"))

# Findings and photos.
DUPLICATE_FINDING_RADIUS_M = float(os.environ.get("DUPLICATE_FINDING_RADIUS_M", "50"))
# A finding of an inspection of a hotspot lies within this distance of the hotspot (0 inside its outline).
FINDING_MAX_DISTANCE_FROM_HOTSPOT_M = float(os.environ.get("FINDING_MAX_DISTANCE_FROM_HOTSPOT_M", "200"))
# A fix is on site inside the hotspot's outline or within this radius of the finding (check-in, after-photos).
TASK_GEOFENCE_RADIUS_M = float(os.environ.get("TASK_GEOFENCE_RADIUS_M", "50"))
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(25 * 1024 * 1024)))
PHOTO_CHUNK_MAX_BYTES = int(os.environ.get("PHOTO_CHUNK_MAX_BYTES", str(8 * 1024 * 1024)))
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", "100000000"))
PHOTO_MAX_DISTANCE_M = float(os.environ.get("PHOTO_MAX_DISTANCE_M", "100"))
PHOTO_MAX_AGE_HOURS = float(os.environ.get("PHOTO_MAX_AGE_HOURS", "24"))
POSITION_MAX_ACCURACY_M = float(os.environ.get("POSITION_MAX_ACCURACY_M", "30"))
# A move received more than this long after the time its tablet claims is "late-synced" (shown and counted).
MOVE_LATE_SYNC_HOURS = float(os.environ.get("MOVE_LATE_SYNC_HOURS", "1"))
# Refused sync items kept for managers: an item larger than this (bytes of compact JSON) is kept as a marker with the
# beginning of its JSON; each device of a sender keeps this many, the most recently refused (older ones deleted).
SYNC_REFUSAL_PAYLOAD_MAX_BYTES = int(os.environ.get("SYNC_REFUSAL_PAYLOAD_MAX_BYTES", "4096"))
SYNC_REFUSALS_PER_DEVICE = int(os.environ.get("SYNC_REFUSALS_PER_DEVICE", "200"))

# A tablet clock further off than this (either way) corrects no claimed time: the claim is read as sent.
DEVICE_CLOCK_MAX_OFFSET_HOURS = float(os.environ.get("DEVICE_CLOCK_MAX_OFFSET_HOURS", "720"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "wenming@localhost")

# Notifications: the address people open the links in e-mails and robot messages at, "deadline approaching" this
# many working hours before the deadline, and the units' group robots (timeout per post, attempts per message).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
TASK_REMINDER_WORKING_HOURS = float(os.environ.get("TASK_REMINDER_WORKING_HOURS", "4"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
# Hosts a webhook may be posted to although they are (or resolve to) loopback, private or other internal addresses,
# e.g. an intranet robot gateway. Names or literal addresses, comma-separated; see geo/outbound.py.
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS")
# The most of a webhook's answer that is read (the rest is ignored).
WEBHOOK_ANSWER_MAX_BYTES = 65536
# A notification e-mail that failed is tried again by the reminder job for this long after the event.
NOTIFICATION_EMAIL_RETRY_HOURS = float(os.environ.get("NOTIFICATION_EMAIL_RETRY_HOURS", "24"))

# Briefings (通报): at most this many before/after photo pairs and findings drawn on the map; the CJK font the map's
# labels use (default: Debian's fonts-noto-cjk or WenQuanYi); the language of the weekly briefings' documents.
BRIEFING_MAX_PHOTO_PAIRS = int(os.environ.get("BRIEFING_MAX_PHOTO_PAIRS", "200"))
BRIEFING_MAP_MAX_POINTS = int(os.environ.get("BRIEFING_MAP_MAX_POINTS", "20000"))
BRIEFING_FONT_PATH = os.environ.get("BRIEFING_FONT_PATH", "")
BRIEFING_LANGUAGE = os.environ.get("BRIEFING_LANGUAGE", LANGUAGE_CODE)

# Layer exports written in the background (/exports/): their files (and the failed ones' records) are removed this
# many days after they finish, by the hourly `geo.expire_exports` job or `manage.py expire_exports`, and on access.
EXPORT_KEEP_DAYS = float(os.environ.get("EXPORT_KEEP_DAYS", "7"))

# gis.W001: the warning about SpatiaLite/GDAL library lookups that does not apply to Debian's packages.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Run eagerly (no broker), every background task would log its success line into the web server's output.
    "loggers": {"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {},
}
