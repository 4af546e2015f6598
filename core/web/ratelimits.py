"""Counting POSTs against rate limits (django-ratelimit), several limits at once; counting
every request of one client against one limit (the REST API's, per token)."""

from dataclasses import dataclass

from django.utils.translation import ngettext
from django_ratelimit import ALL
from django_ratelimit.core import _split_rate, get_usage


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
    return ngettext("%(n)d minute", "%(n)d minutes", count) % {"n": count}


@dataclass(frozen=True)
class Usage:
    limit: int
    window: int  # seconds
    remaining: int
    reset: int  # seconds until the window ends
    over: bool


def count(request, *, group, key, rate):
    """Count this request (any method) against one limit: its Usage, or None when rate
    limits are off (RATELIMIT_ENABLE)."""
    usage = get_usage(request, group=group, key=key, rate=rate, method=ALL, increment=True)
    if usage is None:
        return None
    limit, window = _split_rate(rate)
    return Usage(
        limit=limit,
        window=window,
        remaining=max(0, usage["limit"] - usage["count"]),
        reset=max(0, int(usage["time_left"])),
        over=usage["should_limit"],
    )
