from django import template

from status import state
from status.models import ComponentStatus
from status.state import IncidentSummary, StatusState

register = template.Library()


@register.simple_tag
def platform_status() -> StatusState:
    """The banner's state (indicator, words, open incidents), from the cache when warm."""
    return state.status_state()


@register.simple_tag
def active_incidents() -> list[IncidentSummary]:
    return state.active_incidents()


@register.inclusion_tag("status/_incident_notice.html")
def incident_notice(kind: state.NoticeKind, obj) -> dict[str, list[IncidentSummary]]:
    """A notice for a guide ("guides") or runbook ("runbooks") linked to an open incident."""
    return {"incidents": state.incident_notices(kind, obj.pk)}


# Colour tone and icon for an indicator (none/minor/major/critical/maintenance), a component
# status or an incident impact. The icon is never alone: text always goes with it.
TONES = {
    "none": "ok",
    "operational": "ok",
    "maintenance": "maintenance",
    "under_maintenance": "maintenance",
    "minor": "minor",
    "degraded_performance": "minor",
    "major": "major",
    "partial_outage": "major",
    "critical": "critical",
    "major_outage": "critical",
    "no_data": "none",
}
ICONS = {"ok": "check", "maintenance": "wrench", "minor": "warning", "major": "warning"}


@register.filter
def tone(value):
    return TONES.get(value, "minor")


@register.inclusion_tag("status/_icon.html")
def status_icon(value):
    return {"icon": ICONS.get(TONES.get(value, "minor"), "cross")}


@register.filter
def status_label(value):
    """A component status in words ("Partial outage")."""
    return ComponentStatus(value).label
