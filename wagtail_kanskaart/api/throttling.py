"""Rate limits per client IP address, kept in the shared "default" cache.

Throttling keeps one busy client from crowding out others. It is not
security: the counters are approximate under concurrent requests, and a
client with many addresses gets a limit per address.
"""

from rest_framework.throttling import SimpleRateThrottle

from ..conf import DEFAULTS, kanskaart_settings


def client_ip(request) -> str:
    """Return the client's IP address, trusting ``KANSKAART_API_NUM_PROXIES`` proxies.

    Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For``, so with N proxies the client is the Nth address from
    the end. Addresses before that were written by the client and may be
    forged. With 0 proxies, ``X-Forwarded-For`` is ignored.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    num_proxies = kanskaart_settings.API_NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not num_proxies or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(num_proxies, len(addresses))]


def throttle_rate(scope):
    rates = {**DEFAULTS["API_THROTTLE_RATES"], **kanskaart_settings.API_THROTTLE_RATES}
    return rates.get(scope)


class KanskaartThrottle(SimpleRateThrottle):
    """A limit per client IP address for a scope of ``KANSKAART_API_THROTTLE_RATES``."""

    cache_format = "kanskaart_throttle_%(scope)s_%(ident)s"

    def get_rate(self):
        return throttle_rate(self.scope)

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class SubmitThrottle(KanskaartThrottle):
    scope = "submit"


class StatusThrottle(KanskaartThrottle):
    scope = "status"


class ReadThrottle(KanskaartThrottle):
    scope = "read"
