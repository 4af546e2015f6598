"""The overall status and the generation cache every status read goes through.

Reads go through a cache keyed by a *generation* token. Any save or delete of a status model
(status.signals) replaces the token, so every cached derivative (banner state, API bodies)
goes stale at once, on every process. Entries also expire at the next maintenance boundary.

Reads never write: maintenances are moved on by the clock in `services.advance_maintenances`,
which `manage.py status tick` runs (cron, the worker, or `make run`'s ticker). A boundary
already passed but not yet acted on keeps answers short-lived until the tick has written.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal, TypedDict

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from core import generations
from status.models import (
    Component,
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    MaintenanceStatus,
    new_code,
)

GENERATION_KEY = "status:generation"
# How long an answer may be kept while a maintenance is overdue for its tick.
OVERDUE_SECONDS = 5

INDICATOR_ORDER = ["none", "maintenance", "minor", "major", "critical"]
DESCRIPTIONS = {
    "none": "All Systems Operational",
    "maintenance": "Service Under Maintenance",
}
# Statuspage's descriptions, mildest first: among signals of one indicator the worse wins,
# whatever the order of the components.
DESCRIPTION_ORDER = [
    "All Systems Operational",
    "Service Under Maintenance",
    "Partially Degraded Service",
    "Degraded System Service",
    "Minor Service Outage",
    "Partial System Outage",
    "Major System Outage",
]
# What one component status or one open incident's impact says about the whole page.
COMPONENT_SIGNAL = {
    ComponentStatus.UNDER_MAINTENANCE: ("maintenance", "Service Under Maintenance"),
    ComponentStatus.DEGRADED_PERFORMANCE: ("minor", "Partially Degraded Service"),
    ComponentStatus.PARTIAL_OUTAGE: ("minor", "Minor Service Outage"),
    ComponentStatus.MAJOR_OUTAGE: ("major", "Partial System Outage"),
}
IMPACT_SIGNAL = {
    Impact.MINOR: ("minor", "Minor Service Outage"),
    Impact.MAJOR: ("major", "Partial System Outage"),
    Impact.CRITICAL: ("critical", "Major System Outage"),
}


class IncidentSummary(TypedDict):
    """One open incident or active maintenance, as the banner and notices show it."""

    code: str
    name: str
    impact: str
    signal: str  # the colour and icon: "maintenance", "minor", "major" or "critical"
    status: str
    status_label: str
    is_maintenance: bool
    url: str
    updated_at: datetime
    last_update: str  # the newest update's text
    components: list[str]  # the affected components' names, in page order


class Notices(TypedDict):
    """Open incidents by the pk of each guide and runbook they are linked to."""

    guides: dict[int, list[IncidentSummary]]
    runbooks: dict[int, list[IncidentSummary]]


# The keys of Notices: the names of an incident's links to guides and runbooks.
NoticeKind = Literal["guides", "runbooks"]


class StatusState(TypedDict):
    """What every page's banner needs (cached; `status_state()`)."""

    indicator: str  # Statuspage's: "none", "maintenance", "minor", "major", "critical"
    description: str  # Statuspage's description of the whole page
    label: str  # what the banner says: the description, the one name of the state everywhere
    assertive: bool  # announce it at once (major or critical)
    incidents: list[IncidentSummary]
    maintenances: list[IncidentSummary]
    notices: Notices


class CacheEntry[T](TypedDict):
    """What `cached()` stores under a generation's key."""

    value: T
    valid_until: datetime | None


class OpenIncident(TypedDict):
    """An incident as another app may know it, without importing status models."""

    name: str
    impact: str
    status: str
    url: str
    started_at: datetime
    resolved_at: datetime | None


def overall_status(
    *, component_statuses, incident_impacts, maintenance_active=False
) -> tuple[str, str]:
    """The page indicator and description, Statuspage style: the worst signal wins.

    Every component in major outage is a critical page; an active maintenance with nothing
    worse is "maintenance".
    """
    component_statuses = list(component_statuses)
    signals = [("none", DESCRIPTIONS["none"])]
    if maintenance_active:
        signals.append(("maintenance", DESCRIPTIONS["maintenance"]))
    signals += [COMPONENT_SIGNAL[s] for s in component_statuses if s in COMPONENT_SIGNAL]
    signals += [IMPACT_SIGNAL[i] for i in incident_impacts if i in IMPACT_SIGNAL]
    if component_statuses and all(s == ComponentStatus.MAJOR_OUTAGE for s in component_statuses):
        signals.append(("critical", "Major System Outage"))
    if len(component_statuses) > 1 and all(
        s == ComponentStatus.DEGRADED_PERFORMANCE for s in component_statuses
    ):
        signals.append(("minor", "Degraded System Service"))
    indicator, description = max(
        signals,
        key=lambda s: (INDICATOR_ORDER.index(s[0]), DESCRIPTION_ORDER.index(s[1])),
    )
    return indicator, description


def generation() -> str:
    return generations.current(cache, GENERATION_KEY, new_code)


def invalidate() -> None:
    """Every cached status derivative goes stale (called by signals on any status write)."""
    generations.replace(cache, GENERATION_KEY, new_code)


def cached[T](name: str, compute: Callable[[datetime], tuple[T, datetime | None]]) -> T:
    """`compute(now)` returns (value, valid_until or None), cached until a write or then."""
    # The generation is read before computing: a write that commits meanwhile moves readers
    # to a new generation, so a value computed from older data can never be served after it.
    current = generation()
    entry: CacheEntry[T] | None = cache.get(f"status:{name}:{current}")
    now = timezone.now()
    if entry is not None and (entry["valid_until"] is None or now < entry["valid_until"]):
        return entry["value"]
    value, valid_until = compute(now)
    timeout = settings.STATUS_CACHE_SECONDS
    if valid_until is not None:
        timeout = max(1, min(timeout, int((valid_until - now).total_seconds()) + 1))
    stored: CacheEntry[T] = {"value": value, "valid_until": valid_until}
    cache.set(f"status:{name}:{current}", stored, timeout)
    return value


def next_boundary(now: datetime, open_items=None) -> datetime | None:
    """When the next open maintenance starts or ends: cached answers are good until then.

    One already due (the tick has not run yet) makes answers good for a few seconds only, so
    the tick's change shows soon even where writes cannot reach this process's cache.
    """
    if open_items is None:
        open_items = Incident.objects.maintenances().unresolved()
    times = []
    for item in open_items:
        if not item.is_maintenance:
            continue
        if item.due_status(now) != item.status:
            times.append(now + timedelta(seconds=OVERDUE_SECONDS))
        if item.status == MaintenanceStatus.SCHEDULED and item.scheduled_for > now:
            times.append(item.scheduled_for)
        if item.scheduled_until and item.scheduled_until > now:
            times.append(item.scheduled_until)
    return min(times, default=None)


def status_state() -> StatusState:
    """What every page's banner (and the incident notices) need, cached: 0 queries when warm."""
    return cached("state", compute_state)


def active_incidents() -> list[IncidentSummary]:
    """Unresolved incidents as small dicts (name, impact, status, url), newest first."""
    return status_state()["incidents"]


def incident_notices(kind: NoticeKind, pk: int) -> list[IncidentSummary]:
    """Open incidents linked to a guide (kind="guides") or runbook ("runbooks")."""
    return status_state()["notices"][kind].get(pk, [])


def incident_notices_for(model, pk: int) -> list[IncidentSummary]:
    """Open incidents linked to a row of `model` through whichever of the incident's links
    names that model (guides, runbooks): for apps that know a row only by its model."""
    for link in Incident._meta.many_to_many:
        if link.related_model is model:
            return incident_notices(link.name, pk)
    return []


def compute_state(now: datetime) -> tuple[StatusState, datetime | None]:
    component_statuses = list(Component.objects.values_list("status", flat=True))
    open_items = list(
        Incident.objects.unresolved()
        .prefetch_related("guides", "runbooks", "updates", "components")
        .order_by("-started_at", "-pk")
    )
    incidents = [i for i in open_items if i.kind == Kind.INCIDENT]
    active_maintenances = [
        m
        for m in open_items
        if m.kind == Kind.MAINTENANCE and m.status != MaintenanceStatus.SCHEDULED
    ]
    indicator, description = overall_status(
        component_statuses=component_statuses,
        incident_impacts=[i.impact for i in incidents],
        maintenance_active=bool(active_maintenances),
    )
    notices: Notices = {"guides": {}, "runbooks": {}}
    listed = []
    for item in [*incidents, *active_maintenances]:
        summary: IncidentSummary = {
            "code": item.code,
            "name": item.name,
            "impact": item.impact,
            # What colour and icon to show: maintenance and no-impact incidents are notices.
            "signal": "maintenance"
            if item.is_maintenance or item.impact == "none"
            else item.impact,
            "status": item.status,
            "status_label": item.status_label,
            "is_maintenance": item.is_maintenance,
            "url": item.get_absolute_url(),
            "updated_at": item.updated_at,
            # The newest update's words (updates are ordered newest first).
            "last_update": next((u.body for u in item.updates.all()), ""),
            "components": [c.name for c in item.components.all()],
        }
        listed.append(summary)
        for guide in item.guides.all():
            notices["guides"].setdefault(guide.pk, []).append(summary)
        for runbook in item.runbooks.all():
            notices["runbooks"].setdefault(runbook.pk, []).append(summary)
    state: StatusState = {
        "indicator": indicator,
        "description": description,
        # One name per state: the banner says what the page, the badge and the embed say.
        "label": description,
        "assertive": indicator in ("major", "critical"),
        "incidents": [s for s in listed if not s["is_maintenance"]],
        "maintenances": [s for s in listed if s["is_maintenance"]],
        "notices": notices,
    }
    return state, next_boundary(now, open_items)


def incidents_open_at(when: datetime) -> list[OpenIncident]:
    """Incidents (not maintenances) that had started and were not yet resolved at `when`,
    as small dicts (name, impact, status, url, started_at, resolved_at), newest first: what
    another app (the ticket page) may know about them without importing status models."""
    found = (
        Incident.objects.incidents()
        .filter(started_at__lte=when)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=when))
        .order_by("-started_at", "-pk")[:10]
    )
    return [
        {
            "name": incident.name,
            "impact": incident.get_impact_display(),
            "status": incident.status_label,
            "url": incident.get_absolute_url(),
            "started_at": incident.started_at,
            "resolved_at": incident.resolved_at,
        }
        for incident in found
    ]
