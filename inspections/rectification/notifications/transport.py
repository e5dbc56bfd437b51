"""A webhook's POST, made only to an address `geo.outbound` vetted, the very one it connects to.

The host name is resolved and judged once (`vet_url`); the connection then goes to that address, with the name in
the Host header and, for HTTPS, in SNI and the certificate check, so the name cannot resolve elsewhere in between
(DNS rebinding). Redirects are not followed (an answer 3xx is a failure like any other), only the first
``WEBHOOK_ANSWER_MAX_BYTES`` of the answer are read, and ``timeout`` bounds the whole exchange.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import certifi
import urllib3
from django.conf import settings
from urllib3.exceptions import ConnectTimeoutError

from geo.outbound import Target, vet_url


@dataclass(frozen=True)
class Answer:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.content)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST to the URL's vetted address. Raises OutboundRefused, or urllib3's errors (connection, timeout)."""
    target = vet_url(url)
    limit = int(getattr(settings, "WEBHOOK_ANSWER_MAX_BYTES", 65536))
    for index, address in enumerate(target.addresses):
        pool = _pool(target, address, timeout)
        try:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers={**headers, "Host": target.host_header},
                redirect=False,
                retries=False,
                assert_same_host=False,
                preload_content=False,
            )
        except ConnectTimeoutError:  # refused or unreachable (NewConnectionError is one): the next address
            pool.close()
            if index == len(target.addresses) - 1:
                raise
            continue
        try:
            content = response.read(limit)
        finally:
            response.release_conn()
            pool.close()
        return Answer(response.status, content)
    raise AssertionError("vet_url gives at least one address")  # pragma: no cover


def _pool(target: Target, address: str, timeout: float) -> urllib3.HTTPConnectionPool:
    limits = urllib3.Timeout(total=timeout)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=limits,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=limits, maxsize=1)
