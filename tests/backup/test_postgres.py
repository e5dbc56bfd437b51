"""PostGIS: what the commands say when PostgreSQL's client programs are missing."""

import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgis"), reason="pg_dump and pg_restore"),
]


def test_without_pg_dump_the_backup_names_the_package_and_leaves_no_file(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    with pytest.raises(CommandError) as refused:
        call_command("backup", str(tmp_path / "backups" / "wenming.tar.gz"))

    major = connection.pg_version // 10000
    assert str(refused.value) == (
        f"pg_dump is not installed: install postgresql-client-{major} (the server's major version)."
    )
    assert list((tmp_path / "backups").iterdir()) == []
