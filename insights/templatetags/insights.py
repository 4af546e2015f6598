"""Cheap number formatting for the dashboard: a 90-day page shows about a thousand numbers,
and `floatformat:"g"` (Decimal arithmetic each time) was a good part of its render time."""

from django import template

register = template.Library()


@register.filter
def grouped(value):
    """12345 -> "12,345"."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


@register.filter
def percent(value):
    """A rate (insights.report.rate) as "12.5 %", or "—" when there was nothing to count."""
    return "—" if value is None else f"{value} %"
