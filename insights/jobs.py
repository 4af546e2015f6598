"""Insights' periodic work, run by the clock (core.clock)."""

from django.conf import settings

from core import clock
from insights import recording
from insights.support import report as support_reports
from insights.support import rollups


@clock.every("insights.prune", days=1, at_start=False)
def prune():
    """Search events older than INSIGHTS_KEEP_DAYS go; the daily totals stay."""
    return recording.prune(keep_days=settings.INSIGHTS_KEEP_DAYS)


@clock.every("insights.support_reports", minutes=4)
def count_support_reports():
    """The support reports' daily totals brought up to date (the days touched since the
    last run, insights.support.rollups), then the default views (the last 7, 30 and 90
    days, by channel) counted before their cached figures expire
    (SUPPORT_REPORT_CACHE_SECONDS), so a lead opening the page never waits. Those only with
    a cache the web processes share (Redis): a per-process cache would keep them for the
    clock alone."""
    if settings.SUPPORT_REPORT_ROLLUPS:
        rollups.refresh()
    if "locmem" in settings.CACHES["default"]["BACKEND"].lower():
        return 0
    return support_reports.count_defaults()


@clock.every("insights.support_rollups", days=1, at_start=False)
def rebuild_support_rollups():
    """Every day's totals counted again, nightly: what the runs every four minutes cannot see
    (writes that bypass save(), a rating or reply deleted on its own) lasts a day at most."""
    if not settings.SUPPORT_REPORT_ROLLUPS:
        return 0
    return rollups.rebuild()
