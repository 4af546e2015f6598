"""How status data looks to the outside: timestamps in the page's zone, the page's URL."""

import zoneinfo

from django.conf import settings
from django.urls import reverse

from core.times import machine_time
from mail.links import absolute


def format_timestamp(value):
    """Statuspage's timestamps: ISO 8601 with milliseconds and an offset, in the page's zone.

    2026-11-25T10:41:14.000+00:00
    """
    if value is None:
        return None
    zone = zoneinfo.ZoneInfo(settings.STATUS_PAGE_TIME_ZONE)
    return machine_time(value, zone=zone, timespec="milliseconds")


def page_url():
    return settings.STATUS_PAGE_URL or absolute(reverse("status:status-page"))
