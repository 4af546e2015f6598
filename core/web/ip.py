"""The client's address when the site runs behind one reverse proxy (BEHIND_TLS_PROXY=1)."""

import ipaddress

from django.conf import settings
from django.utils.module_loading import import_string


def client_ip(request):
    """The right-most X-Forwarded-For entry: the one our own proxy added. Entries left of it
    come from the client and can be anything."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else request.META["REMOTE_ADDR"]


def network(request):
    """The client's network as the rate limits key it (django-ratelimit's "ip" key): the
    address from RATELIMIT_IP_META_KEY when set (behind the proxy), else REMOTE_ADDR, cut to
    RATELIMIT_IPV6_MASK bits (64: one IPv6 subscriber gets a whole /64) or
    RATELIMIT_IPV4_MASK (32)."""
    meta = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if not meta:
        ip = request.META.get("REMOTE_ADDR", "")
    elif callable(meta):
        ip = meta(request)
    elif "." in meta:
        ip = import_string(meta)(request)
    else:
        ip = request.META.get(meta, "")
    if ":" in ip:
        mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
    else:
        mask = getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    try:
        return str(ipaddress.ip_network(f"{ip}/{mask}", strict=False).network_address)
    except ValueError:  # not an address (a broken proxy header): itself, as the key
        return ip[:45]
