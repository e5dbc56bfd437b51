"""POSTs of reports limited per API key and per address (``OPEN311_POST_RATES``), in the default cache: Redis in
production (shared by the workers), local memory in the embedded default and the tests. Reading is not limited.
The address is the client's as the sign-in throttling reads it (``TRUSTED_PROXY_COUNT``): a forged
X-Forwarded-For buys nothing."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.lockout import client_ip
from inspections.evidence.public_reports import key_hash


class PostThrottle(SimpleRateThrottle):
    def get_rate(self):
        return settings.OPEN311_POST_RATES.get(self.scope)

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        # The rate is read per request, so that a setting changed at run time (or in a test) applies.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class PerKeyThrottle(PostThrottle):
    scope = "key"

    def get_cache_key(self, request, view):
        key = request.data.get("api_key") if hasattr(request.data, "get") else None
        if not key:
            return None  # refused without a key anyway; the address's limit still counts it
        return self.cache_format % {"scope": "open311-key", "ident": key_hash(str(key))}


class PerAddressThrottle(PostThrottle):
    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "open311-address", "ident": client_ip(request)}
