"""Counting POSTs against rate limits (django-ratelimit), several limits at once."""

from django_ratelimit.core import get_usage


def rate_limited(request, *limits, increment=True):
    """Count this POST against each (group, key, rate) limit; return seconds to wait or 0.
    With increment=False, only look: would one more go over a limit?"""
    wait = 0
    for group, key, rate in limits:
        usage = get_usage(
            request, group=group, key=key, rate=rate, method="POST", increment=increment
        )
        if usage is None:
            continue
        over = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
        if over:
            wait = max(wait, usage["time_left"], 1)
    return wait


def minutes(seconds):
    """A wait, as people read it."""
    count = max(1, round(seconds / 60))
    return f"{count} minute{'s' if count != 1 else ''}"
