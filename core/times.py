"""Machine-readable times: one function writes them everywhere (the `datetime` attribute of
every <time>, feeds and APIs), so none carries more precision than readers accept. The HTML
standard allows one to three digits of a second; Python's `isoformat()` writes six whenever
the value has microseconds (anything stamped by `timezone.now()`).
"""

import datetime

from django.utils import timezone


def machine_time(value, *, zone=datetime.UTC, timespec="seconds"):
    """ISO 8601 in `zone` (UTC by default, written "Z"), to the second (or "milliseconds").
    A date stays a date; None and "" give "".

    2026-12-07T08:37:26Z
    """
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.datetime):
        return value.isoformat() if isinstance(value, datetime.date) else ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    text = value.astimezone(zone).isoformat(timespec=timespec)
    if zone is datetime.UTC:
        text = text.removesuffix("+00:00") + "Z"
    return text
