"""SpatiaLite: a backup taken while the app writes (WAL, BEGIN IMMEDIATE, the real settings on a file) is one
consistent state, and restores to exactly what its manifest says."""

import datetime as dt
import json
import os
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, connections, transaction

from inspections.models import CalendarDay
from tests.backup.conftest import members
from tests.databases import file_database

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgis"), reason="SpatiaLite's backup API"),
]


def test_a_backup_taken_while_the_app_writes_is_one_state_and_restores_to_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = tmp_path / "busy.tar.gz"
    with file_database() as path:
        assert path is not None and connection.vendor == "sqlite"
        groups, days = Group.objects.count(), CalendarDay.objects.count()
        stop, written = threading.Event(), []

        def write():
            # Each transaction adds one group and one calendar day: any consistent state has as many of each.
            try:
                while not stop.is_set():
                    n = len(written)
                    with transaction.atomic():
                        Group.objects.create(name=f"busy {n}")
                        CalendarDay.objects.create(date=dt.date(2040, 1, 1) + dt.timedelta(days=n), name="busy")
                    written.append(n)
            finally:
                connections.close_all()

        writer = threading.Thread(target=write)
        writer.start()
        try:
            while len(written) < 20:
                time.sleep(0.01)
            call_command("backup", str(archive), verbosity=0)
            during = len(written)
        finally:
            stop.set()
            writer.join()

        tables = json.loads(members(archive)["manifest.json"])["tables"]
        saved = tables["auth_group"]["rows"] - groups
        assert saved == tables["inspections_calendarday"]["rows"] - days
        assert 20 <= saved <= during
        assert Group.objects.count() - groups == len(written) > 0

        call_command("restore", str(archive), verbosity=0)

        assert Group.objects.count() - groups == saved
        assert CalendarDay.objects.count() - days == saved
        assert connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_restore_that_cannot_write_the_database_leaves_database_and_media_as_they_were(settings, tmp_path):
    import sqlite3

    from django.core.management import CommandError

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "photos").mkdir(parents=True)
    (tmp_path / "media" / "photos" / "a.jpg").write_bytes(b"backed up")
    archive = tmp_path / "locked.tar.gz"
    with file_database(timeout=0.2) as path:
        Group.objects.create(name="backed up")
        call_command("backup", str(archive), verbosity=0)
        Group.objects.create(name="after the backup")
        (tmp_path / "media" / "photos" / "b.jpg").write_bytes(b"after the backup")
        app = sqlite3.connect(path)
        app.execute("BEGIN IMMEDIATE")  # the app, still running, in the middle of a write
        try:
            with pytest.raises(CommandError) as refused:
                call_command("restore", str(archive))
        finally:
            app.rollback()
            app.close()

        assert str(refused.value) == "Could not write the SQLite database (database is locked); it was left as it was."
        assert set(Group.objects.values_list("name", flat=True)) == {"backed up", "after the backup"}
        assert sorted(p.name for p in (tmp_path / "media" / "photos").iterdir()) == ["a.jpg", "b.jpg"]
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".media")] == []
