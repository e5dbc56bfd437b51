"""The settings' database configuration: SpatiaLite lets concurrent writers wait for each other."""

import pytest
from django.db import connection, connections, transaction

from tests.databases import at_once, file_database

pytestmark = pytest.mark.django_db(transaction=True)

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the embedded SpatiaLite database's configuration"
)


def test_requests_run_outside_transactions():
    """With every transaction taking the write lock at once, a request wrapped in one would serialise reads too."""
    assert not connection.settings_dict["ATOMIC_REQUESTS"]


@sqlite_only
def test_a_file_database_runs_in_wal_mode_with_a_busy_timeout():
    with file_database(), connections["default"].cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


@sqlite_only
def test_concurrent_transactions_that_read_then_write_wait_for_each_other():
    """A deferred transaction that has read cannot wait for another writer (SQLite answers "database is locked" at
    once); one that takes the write lock when it begins waits its turn."""
    with file_database():
        with connections["default"].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n integer)")
            cursor.execute("INSERT INTO counter VALUES (0)")

        def increment():
            with transaction.atomic(), connections["default"].cursor() as cursor:
                (n,) = cursor.execute("SELECT n FROM counter").fetchone()
                cursor.execute("SELECT count(*) FROM sqlite_master, sqlite_master")  # a moment between read and write
                cursor.execute("UPDATE counter SET n = %s", [n + 1])

        _, errors = at_once([increment] * 8)
        assert errors == []
        with connections["default"].cursor() as cursor:
            assert cursor.execute("SELECT n FROM counter").fetchone()[0] == 8


def test_the_in_memory_test_database_still_takes_transactions():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
