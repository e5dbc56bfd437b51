"""Settings for pytest; DATABASE_URL still chooses SpatiaLite or PostGIS."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="wenming-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# The suite runs offline: no raster basemap requests.
MAP_TILES_URL = ""
MAP_AMAP_TILES_URL = ""
TIANDITU_KEY = ""
LEAFLET_CONFIG = {**LEAFLET_CONFIG, "TILES": []}  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
if DATABASES["default"]["ENGINE"].endswith("spatialite"):  # noqa: F405
    # Django's default for SQLite made explicit: pytest-django then gives no xdist suffix to the in-memory database
    # (it only knows the plain sqlite3 engine, and would make "test_/path/file.sqlite3_gw0" of the file's path).
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")  # noqa: F405
# The Open311 POST limits are tested with their own rates (override_settings); elsewhere, no test is limited.
OPEN311_POST_RATES = {"key": "100000/minute", "address": "100000/minute"}
