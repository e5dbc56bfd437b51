"""A side task on another thread while the caller carries on: hashing and resampling release the GIL, so on a
multi-core machine they overlap with decoding and with each other."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    def __init__(self, task: Callable[[], T]):
        self._task = task
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="photo-background", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._task()
        except BaseException as error:  # handed to the caller in result()
            self._error = error

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
