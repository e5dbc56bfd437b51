"""A tablet's connection: requests that retry like the outbox, honour 503 + Retry-After, and are sometimes cut.

Every answered request is timed per endpoint. A request is retried, as the tablet's outbox does, after no connection,
a timeout or a server error (a short back-off here, 0.5–2 s, instead of the tablet's 15 s and more, so that a run of a
few minutes sees many retries), and after a 503 exactly as long as its `Retry-After` says. A cut request (the share
`cut_rate` of all requests) is written on a raw socket and closed either half-way through the body or after the
whole request but before the answer, then retried like any request that failed for want of a connection: the tablet
cannot tell whether the server stored it.
"""

from __future__ import annotations

import json
import random
import socket
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

TIMEOUT_S = 60
RETRY_AFTER_DEFAULT_S = 5
RETRY_AFTER_MAX_S = 60


class GaveUp(Exception):
    """The run's hard stop came before the server answered; the tablet keeps the item in its outbox."""


@dataclass
class Reply:
    status: int
    headers: dict
    body: object  # decoded JSON, or None

    def json_or_empty(self) -> dict:
        return self.body if isinstance(self.body, dict) else {}


class Stats:
    """What every tablet saw, per endpoint: latencies of answered requests (ms), status codes, cuts and errors."""

    def __init__(self):
        self._lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.cuts: Counter = Counter()
        self.network_errors: Counter = Counter()
        self.server_errors: list[dict] = []  # the first few 5xx answers, for the report

    def answered(self, label: str, status: int, ms: float, body: str) -> None:
        with self._lock:
            self.latencies[label].append(ms)
            self.statuses[label][status] += 1
            if status >= 500 and len(self.server_errors) < 20:
                self.server_errors.append({"endpoint": label, "status": status, "body": body[:300]})

    def cut(self, label: str) -> None:
        with self._lock:
            self.cuts[label] += 1

    def network_error(self, label: str) -> None:
        with self._lock:
            self.network_errors[label] += 1

    def count(self, predicate) -> int:
        return sum(n for per in self.statuses.values() for status, n in per.items() if predicate(status))

    def endpoints(self) -> dict[str, dict]:
        out = {}
        for label in sorted(self.statuses):
            values = sorted(self.latencies[label])
            out[label] = {
                "requests": sum(self.statuses[label].values()),
                "statuses": {str(k): v for k, v in sorted(self.statuses[label].items())},
                "p50_ms": round(percentile(values, 50), 1),
                "p95_ms": round(percentile(values, 95), 1),
                "max_ms": round(values[-1], 1) if values else 0.0,
                "cut": self.cuts[label],
                "network_errors": self.network_errors[label],
                "5xx": sum(n for status, n in self.statuses[label].items() if status >= 500),
            }
        return out


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(pct) - 1]


class Wire:
    """One tablet's HTTP client (a keep-alive session) with the retry rules above."""

    def __init__(self, base_url: str, stats: Stats, rng: random.Random, *, cut_rate: float, hard_stop: float):
        self.base_url = base_url.rstrip("/")
        self.stats = stats
        self.rng = rng
        self.cut_rate = cut_rate
        self.hard_stop = hard_stop
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        self.session.headers["Accept-Language"] = "en"
        self.retries_after_503 = 0
        self.waited_for_503_s = 0.0

    def authorize(self, token: str) -> None:
        self.session.headers["Authorization"] = f"Token {token}"

    def call(
        self, label: str, method: str, path: str, *, body: object = None, raw: bytes | None = None, headers=None
    ) -> Reply:
        """Send until the server answers with something other than a 5xx (or the hard stop comes: GaveUp)."""
        headers = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        while True:
            if time.monotonic() > self.hard_stop:
                raise GaveUp(label)
            if self.rng.random() < self.cut_rate:
                self._cut(method, path, data or b"", headers)
                self.stats.cut(label)
                self._back_off()
                continue
            started = time.perf_counter()
            try:
                response = self.session.request(
                    method, self.base_url + path, data=data, headers=headers, timeout=TIMEOUT_S
                )
                content = response.content
            except requests.RequestException:
                self.stats.network_error(label)
                self._back_off()
                continue
            ms = (time.perf_counter() - started) * 1000
            self.stats.answered(label, response.status_code, ms, content.decode(errors="replace"))
            if response.status_code == 503:
                self._wait_retry_after(response.headers.get("Retry-After"))
                continue
            if response.status_code >= 500:
                self._back_off()
                continue
            try:
                decoded = json.loads(content) if content else None
            except ValueError:
                decoded = None
            return Reply(response.status_code, dict(response.headers), decoded)

    def _back_off(self) -> None:
        time.sleep(self.rng.uniform(0.5, 2.0))

    def _wait_retry_after(self, value: str | None) -> None:
        try:
            seconds = float(value) if value is not None else RETRY_AFTER_DEFAULT_S
        except ValueError:
            seconds = RETRY_AFTER_DEFAULT_S
        seconds = min(max(seconds, 0.0), RETRY_AFTER_MAX_S) * self.rng.uniform(1.0, 1.2)
        self.retries_after_503 += 1
        self.waited_for_503_s += seconds
        time.sleep(seconds)

    def _cut(self, method: str, path: str, data: bytes, headers: dict) -> None:
        """Write the request on a fresh socket and close it: half-way through the body, or before the answer."""
        parts = urlsplit(self.base_url)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
        for name, value in {**self.session.headers, **headers}.items():
            lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {len(data)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        whole = bool(not data or self.rng.random() < 0.5)
        try:
            with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
                sock.sendall(head + (data if whole else data[: len(data) // 2]))
                if whole:
                    time.sleep(self.rng.uniform(0.0, 0.05))  # the server is still working on it
        except OSError:
            pass
