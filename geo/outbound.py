"""Where the server may send a request of its own (units' webhooks): never to its own network, unless allowed.

A unit's webhook URL is typed by staff; posted to blindly, it would let them reach the server itself or the
district's internal network (server-side request forgery). So an address is refused when it is loopback,
private, link-local, shared (CGNAT), multicast, reserved, unspecified or otherwise not global, judging an IPv4
address wrapped in IPv6 (IPv4-mapped, 6to4, NAT64) by the IPv4 address inside. A host name is judged by every
address it resolves to. Hosts an administrator lists in ``WEBHOOK_ALLOWED_HOSTS`` (an intranet robot gateway, say)
are exempt. The URL is checked when a unit is saved and again before each post, where the connection is then made
to the very address that was checked (`vet_url` returns it), so a name that resolves differently a moment later
(DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

SCHEMES = {"http": 80, "https": 443}
NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(ValueError):
    """The URL may not be posted to; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Target:
    """A vetted URL: where to connect (the addresses checked) and what to ask for there."""

    scheme: str
    host: str
    port: int
    path: str  # with the query
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == SCHEMES[self.scheme] else f"{name}:{self.port}"


def allowed_hosts() -> frozenset[str]:
    hosts = getattr(settings, "WEBHOOK_ALLOWED_HOSTS", [])
    return frozenset(host.strip().lower().strip("[]").rstrip(".") for host in hosts)


def inner_address(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (IPv4-mapped, 6to4, NAT64), or the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address.sixtofour:
            return address.sixtofour
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_internal(address: IPAddress) -> bool:
    """True for every address that is not a public unicast one."""
    address = inner_address(address)
    return not address.is_global or address.is_multicast or address.is_reserved


def vet_url(url: str, *, resolve: bool = True) -> Target:
    """The URL's target, or OutboundRefused. Without `resolve`, a name that does not resolve is let through
    (it is checked again when posting); literal addresses and names that resolve are judged either way."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise OutboundRefused(_("This is not a valid URL.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise OutboundRefused(_("Only http:// and https:// addresses can be posted to."))
    host = (parts.hostname or "").lower()
    if not host:
        raise OutboundRefused(_("The URL has no host name."))
    port = port or SCHEMES[scheme]
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    addresses = _addresses(host, port, must_resolve=resolve)
    if host.rstrip(".") not in allowed_hosts():
        for address in addresses:
            if is_internal(ipaddress.ip_address(address)):
                raise OutboundRefused(_internal_message(host, address))
    return Target(scheme, host, port, path, addresses)


def _internal_message(host: str, address: str) -> str:
    if host == address:
        return _(
            "%(address)s is an address of the server's own or internal network (loopback, private, link-local, "
            "multicast or reserved): nothing is sent there unless an administrator allows it in "
            "WEBHOOK_ALLOWED_HOSTS."
        ) % {"address": address}
    return _(
        "%(host)s resolves to %(address)s, an address of the server's own or internal network (loopback, private, "
        "link-local, multicast or reserved): nothing is sent there unless an administrator allows the host in "
        "WEBHOOK_ALLOWED_HOSTS."
    ) % {"host": host, "address": address}


def _addresses(host: str, port: int, *, must_resolve: bool) -> tuple[str, ...]:
    try:
        return (str(ipaddress.ip_address(host)),)
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        if must_resolve:
            raise OutboundRefused(_("The host name %(host)s does not resolve.") % {"host": host}) from exc
        return ()
    # getaddrinfo may give a scoped IPv6 address ("fe80::1%eth0"); the scope is not part of the address.
    return tuple(dict.fromkeys(info[4][0].split("%")[0] for info in found))
