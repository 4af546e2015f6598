"""Counting POSTs against rate limits (django-ratelimit), several limits at once."""

from django_ratelimit.core import get_usage


def rate_limited(request, *limits):
    """Count this POST against each (group, key, rate) limit; return seconds to wait or 0."""
    wait = 0
    for group, key, rate in limits:
        usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)
        if usage and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    return wait
