"""The production settings pass Django's deployment checks with the variables the README requires, HSTS included;
preloading is the domain owner's choice (SECURE_HSTS_PRELOAD)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
REQUIRED = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "wenming.example.gov.cn",
    "DATABASE_URL": "postgis://wenming:secret@127.0.0.1:5432/wenming",
}


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "DJANGO_"))}
    environment.update(REQUIRED, **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def hsts(**env: str) -> tuple:
    """(HSTS seconds, include subdomains, preload, whether the preload reminder is silenced) as production has them."""
    code = (
        "from django.conf import settings as s; print((s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, 'security.W021' in s.SILENCED_SYSTEM_CHECKS))"
    )
    shown = run("shell", "--no-imports", "-c", code, **env)
    assert shown.returncode == 0, shown.stderr
    return ast.literal_eval(shown.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("preload", ["", "true"])
def test_check_deploy_reports_nothing(preload):
    checked = run("check", "--deploy", "--fail-level", "DEBUG", SECURE_HSTS_PRELOAD=preload)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout, checked.stdout + checked.stderr


def test_hsts_is_a_year_with_subdomains_and_preloading_is_opt_in():
    assert hsts() == (31536000, True, False, True)
    assert hsts(SECURE_HSTS_PRELOAD="true") == (31536000, True, True, False)


def test_production_refuses_to_start_without_a_secret_key():
    refused = run("check", SECRET_KEY="")
    assert refused.returncode != 0 and "Set SECRET_KEY" in refused.stderr
