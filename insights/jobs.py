"""Insights' periodic work, run by the clock (core.clock)."""

from django.conf import settings

from core import clock
from insights import recording


@clock.every("insights.prune", days=1, at_start=False)
def prune():
    """Search events older than INSIGHTS_KEEP_DAYS go; the daily totals stay."""
    return recording.prune(keep_days=settings.INSIGHTS_KEEP_DAYS)
