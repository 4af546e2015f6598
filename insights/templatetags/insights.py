"""Cheap number formatting for the dashboard: a 90-day page shows about a thousand numbers,
and `floatformat:"g"` (Decimal arithmetic each time) was a good part of its render time."""

from django import template
from django.utils.html import conditional_escape, format_html

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


@register.filter
def business_time(seconds):
    """Business seconds (insights.support) as "25 min", "3.5 h" or "42 h"; "—" for none."""
    if seconds is None or seconds == "":
        return "—"
    minutes = int(seconds) / 60
    if minutes < 60:
        return f"{round(minutes)} min"
    hours = minutes / 60
    return f"{hours:.1f} h" if hours < 10 else f"{round(hours):,} h"


@register.simple_tag
def linked(text, url=""):
    """`text` as a link to `url`, or as text when there is no list to lead to."""
    if url:
        return format_html('<a href="{}">{}</a>', url, text)
    return conditional_escape(text)
