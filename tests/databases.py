"""Concurrency helpers: the test database as a file opened with the real settings, and requests made at once."""

import contextlib
import sqlite3
import tempfile
import threading
from pathlib import Path

from django.db import connection, connections


@contextlib.contextmanager
def file_database(*, timeout: float | None = None):
    """On SpatiaLite, the test database copied into a temporary file and opened with the settings' options (WAL,
    BEGIN IMMEDIATE, the busy timeout, or `timeout` seconds) by this thread and every thread started inside; the
    test's in-memory database stays as it was. On PostGIS, the test database itself (already a server).

    The in-memory database shares one cache between connections, whose table locks fail at once instead of waiting,
    so concurrent writers can only be tried on a file, as `make run` uses it."""
    if connection.vendor != "sqlite":
        yield None
        return
    original = connections.settings["default"]
    in_memory = connections["default"]
    in_memory.ensure_connection()
    with tempfile.TemporaryDirectory(prefix="wenming-db-") as folder:
        path = Path(folder) / "test.sqlite3"
        copy = sqlite3.connect(path)
        in_memory.connection.backup(copy)
        copy.close()
        options = dict(original.get("OPTIONS", {}))
        if timeout is not None:
            options["timeout"] = timeout
        connections.settings["default"] = {**original, "NAME": str(path), "OPTIONS": options}
        connections["default"] = connections.create_connection("default")
        connections["default"].ensure_connection()  # the file in WAL mode before anything else opens it
        try:
            yield path
        finally:
            connections["default"].close()
            connections["default"] = in_memory
            connections.settings["default"] = original


def at_once(calls: list) -> tuple[list, list[BaseException]]:
    """Run the callables in threads released together; their results (in order) and any exceptions raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
