"""How status data looks to the outside: timestamps in the page's zone, absolute URLs."""

import zoneinfo

from django.conf import settings
from django.urls import reverse


def format_timestamp(value):
    """Statuspage's timestamps: ISO 8601 with milliseconds and an offset, in the page's zone.

    2026-11-25T10:41:14.000+00:00
    """
    if value is None:
        return None
    zone = zoneinfo.ZoneInfo(settings.STATUS_PAGE_TIME_ZONE)
    return value.astimezone(zone).isoformat(timespec="milliseconds")


def site_url(path):
    """An absolute URL on the public site. From settings, never from the request: cached
    answers are shared by every client (a forged Host or X-Forwarded-Proto poisoned them)."""
    return settings.SITE_URL.rstrip("/") + path


def page_url():
    return settings.STATUS_PAGE_URL or site_url(reverse("status:status-page"))
