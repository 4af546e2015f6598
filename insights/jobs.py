"""Insights' periodic work, run by the clock (core.clock)."""

from django.conf import settings

from core import clock
from insights import recording
from insights.support import report as support_reports


@clock.every("insights.prune", days=1, at_start=False)
def prune():
    """Search events older than INSIGHTS_KEEP_DAYS go; the daily totals stay."""
    return recording.prune(keep_days=settings.INSIGHTS_KEEP_DAYS)


@clock.every("insights.support_reports", minutes=4)
def count_support_reports():
    """The support reports' default views (the last 7, 30 and 90 days, by channel) counted
    before their cached figures expire (SUPPORT_REPORT_CACHE_SECONDS), so a lead opening the
    page never waits for 100,000 tickets to be read. Only with a cache the web processes
    share (Redis): a per-process cache would keep them for the clock alone."""
    if "locmem" in settings.CACHES["default"]["BACKEND"].lower():
        return 0
    return support_reports.count_defaults()
