"""SpatiaLite with the writers of one process queued in the order they came.

SQLite takes one writer at a time. A transaction that finds the write lock taken waits in SQLite's busy handler,
which sleeps and polls (up to 100 ms a try): under a burst of tablets the newcomers keep winning over those
already waiting, and an unlucky request runs out of its busy timeout while the database is busy, but not with it.
Here every write transaction of the process (each ``atomic`` block, begun IMMEDIATE: see the settings) first takes
its turn in a first-come, first-served queue per database file; the lock is handed from one writer to the next at
commit or rollback, so SQLite's own lock is almost always free when the queue lets a writer in.

A writer waits its turn for at most the busy timeout (``OPTIONS["timeout"]``); past that it goes on to SQLite as
before, whose busy handler then decides (a locked database answers 503 with Retry-After, `config.busy`). Other
processes writing the same file (a second server process, a management command) are still kept apart by SQLite
alone. An in-memory database (the test suite's) has no queue: its shared cache fails at once instead of waiting.
"""

import threading
from collections import deque

from django.contrib.gis.db.backends.spatialite import base


class WriterQueue:
    """A lock granted in the order it was asked for; a waiter that gives up leaves the queue."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over between the timeout and now
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()  # the lock passes to the next writer without being free in between
            else:
                self._held = False


_queues: dict[str, WriterQueue] = {}
_queues_mutex = threading.Lock()


def writer_queue(name: str) -> WriterQueue:
    with _queues_mutex:
        return _queues.setdefault(name, WriterQueue())


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer_turn: WriterQueue | None = None

    def _start_transaction_under_autocommit(self):
        queue = None if self.is_in_memory_db() else writer_queue(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if queue is not None and queue.acquire(timeout):
            self._writer_turn = queue
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_writer_turn()
            raise

    def _end_writer_turn(self) -> None:
        queue, self._writer_turn = self._writer_turn, None
        if queue is not None:
            queue.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._end_writer_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_writer_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._end_writer_turn()
