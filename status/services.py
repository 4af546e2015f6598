"""Platform status: the one place that writes incidents and updates, computes the overall
indicator, and builds the Statuspage v2 JSON.

Reads go through a cache keyed by a *generation* token. Any save or delete of a status model
(status.signals) replaces the token, so every cached derivative (banner state, API bodies)
goes stale at once, on every process. Entries also expire at the next maintenance boundary,
so a maintenance moves on by the clock without a cron job or a click.
"""

import hashlib
import json
import math
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from status.models import (
    CLOSED_STATUSES,
    Component,
    ComponentGroup,
    ComponentStatus,
    ComponentStatusChange,
    Impact,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    IncidentUpdateComponent,
    Kind,
    MaintenanceStatus,
    new_code,
    worst_component_status,
)

GENERATION_KEY = "status:generation"
API_LIST_LIMIT = 50

# --------------------------------------------------------------------------- formatting


def format_timestamp(value):
    """Statuspage's timestamps: ISO 8601 with milliseconds and an offset, in the page's zone.

    2026-11-25T10:41:14.000+00:00
    """
    if value is None:
        return None
    zone = zoneinfo.ZoneInfo(settings.STATUS_PAGE_TIME_ZONE)
    return value.astimezone(zone).isoformat(timespec="milliseconds")


# --------------------------------------------------------------------------- overall status

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
# The banner's own words: short, after "Platform status:".
BANNER_LABELS = {
    "none": "Operational",
    "maintenance": "Under maintenance",
    "minor": "Minor disruption",
    "major": "Partial outage",
    "critical": "Major outage",
}


def overall_status(*, component_statuses, incident_impacts, maintenance_active=False):
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


# --------------------------------------------------------------------------- cache


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, new_code(), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def invalidate():
    """Every cached status derivative goes stale (called by signals on any status write)."""
    cache.set(GENERATION_KEY, new_code(), None)


def _cached(name, compute):
    """`compute(now)` returns (value, valid_until or None), cached until a write or then."""
    entry = cache.get(f"status:{name}:{_generation()}")
    now = timezone.now()
    if entry is not None and (entry["valid_until"] is None or now < entry["valid_until"]):
        return entry["value"]
    advance_maintenances(now=now)  # may write, and so change the generation: read it after
    # The generation is read before computing: a write that commits meanwhile moves readers
    # to a new generation, so a value computed from older data can never be served after it.
    generation = _generation()
    value, valid_until = compute(now)
    timeout = settings.STATUS_CACHE_SECONDS
    if valid_until is not None:
        timeout = max(1, min(timeout, int((valid_until - now).total_seconds()) + 1))
    cache.set(f"status:{name}:{generation}", {"value": value, "valid_until": valid_until}, timeout)
    return value


def _next_boundary(now, open_items=None):
    """When the next open maintenance starts or ends: cached answers are good until then."""
    if open_items is None:
        open_items = Incident.objects.maintenances().unresolved()
    times = []
    for item in open_items:
        if not item.is_maintenance:
            continue
        if item.status == MaintenanceStatus.SCHEDULED and item.scheduled_for > now:
            times.append(item.scheduled_for)
        if item.scheduled_until and item.scheduled_until > now:
            times.append(item.scheduled_until)
    return min(times, default=None)


# --------------------------------------------------------------------------- banner state


def status_state():
    """What every page's banner (and the incident notices) need, cached: 0 queries when warm."""
    return _cached("state", _compute_state)


def active_incidents():
    """Unresolved incidents as small dicts (name, impact, status, url), newest first."""
    return status_state()["incidents"]


def _compute_state(now):
    component_statuses = list(Component.objects.values_list("status", flat=True))
    open_items = list(
        Incident.objects.unresolved()
        .prefetch_related("guides", "runbooks")
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
    notices = {"guides": {}, "runbooks": {}}
    listed = []
    for item in [*incidents, *active_maintenances]:
        summary = {
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
        }
        listed.append(summary)
        for guide in item.guides.all():
            notices["guides"].setdefault(guide.pk, []).append(summary)
        for runbook in item.runbooks.all():
            notices["runbooks"].setdefault(runbook.pk, []).append(summary)
    state = {
        "indicator": indicator,
        "description": description,
        "label": BANNER_LABELS[indicator],
        "assertive": indicator in ("major", "critical"),
        "incidents": [s for s in listed if not s["is_maintenance"]],
        "maintenances": [s for s in listed if s["is_maintenance"]],
        "notices": notices,
    }
    return state, _next_boundary(now, open_items)


def incident_notices(kind, pk):
    """Open incidents linked to a guide (kind="guides") or runbook ("runbooks")."""
    return status_state()["notices"][kind].get(pk, [])


# --------------------------------------------------------------------------- writes


@transaction.atomic
def post_update(*, incident, status, body, components=None, at=None):
    """One step: the update, the incident's new status and the components' new statuses."""
    at = at or timezone.now()
    update = IncidentUpdate.objects.create(
        incident=incident, status=status, body=body, display_at=at, created_at=at
    )
    for component, new_status in (components or {}).items():
        old_status = component.status
        if old_status != new_status:
            component.set_status(new_status, at=at)
        IncidentUpdateComponent.objects.create(
            update=update, component=component, old_status=old_status, new_status=new_status
        )
    if components:
        incident.components.add(*components)
    incident.status = status
    if status == IncidentStatus.MONITORING and not incident.monitoring_at:
        incident.monitoring_at = at
    if status in CLOSED_STATUSES:
        incident.resolved_at = incident.resolved_at or at
    else:
        incident.resolved_at = None
    incident.updated_at = at
    incident.save()
    return update


@transaction.atomic
def open_incident(
    *,
    name,
    body,
    impact=Impact.MINOR,
    status=IncidentStatus.INVESTIGATING,
    components=None,
    guides=(),
    runbooks=(),
    at=None,
    code=None,
):
    at = at or timezone.now()
    incident = Incident(
        kind=Kind.INCIDENT,
        name=name,
        impact=impact,
        status=status,
        started_at=at,
        created_at=at,
        updated_at=at,
    )
    if code:
        incident.code = code
    incident.full_clean(exclude=["status"])
    incident.save()
    incident.guides.set(guides)
    incident.runbooks.set(runbooks)
    post_update(incident=incident, status=status, body=body, components=components, at=at)
    return incident


def resolve_incident(*, incident, body, restore_components=True, at=None):
    """Resolve, putting the incident's components back to operational unless told not to."""
    components = {}
    if restore_components:
        components = dict.fromkeys(
            incident.components.exclude(status=ComponentStatus.OPERATIONAL),
            ComponentStatus.OPERATIONAL,
        )
    resolved = MaintenanceStatus.COMPLETED if incident.is_maintenance else IncidentStatus.RESOLVED
    return post_update(incident=incident, status=resolved, body=body, components=components, at=at)


@transaction.atomic
def schedule_maintenance(
    *, name, scheduled_for, scheduled_until, body, components=(), at=None, code=None
):
    at = at or timezone.now()
    maintenance = Incident(
        kind=Kind.MAINTENANCE,
        name=name,
        impact=Impact.NONE,
        status=MaintenanceStatus.SCHEDULED,
        scheduled_for=scheduled_for,
        scheduled_until=scheduled_until,
        started_at=scheduled_for,
        created_at=at,
        updated_at=at,
    )
    if code:
        maintenance.code = code
    maintenance.save()
    maintenance.components.set(components)
    post_update(incident=maintenance, status=MaintenanceStatus.SCHEDULED, body=body, at=at)
    return maintenance


MAINTENANCE_BODIES = {
    MaintenanceStatus.IN_PROGRESS: "Scheduled maintenance is currently in progress. "
    "We will provide updates as necessary.",
    MaintenanceStatus.COMPLETED: "The scheduled maintenance has been completed.",
}


def advance_maintenances(*, now=None):
    """Move maintenances on by the clock (scheduled → in progress → completed).

    Runs when a cached status answer is recomputed, which happens at the latest at the next
    boundary. Returns how many maintenances moved.
    """
    now = now or timezone.now()
    due = (
        Incident.objects.maintenances()
        .unresolved()
        .filter(
            Q(status=MaintenanceStatus.SCHEDULED, scheduled_for__lte=now)
            | Q(scheduled_until__lte=now)
        )
    )
    moved = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            maintenance = Incident.objects.select_for_update().get(pk=pk)
            while (new_status := maintenance.due_status(now)) != maintenance.status:
                if new_status == MaintenanceStatus.IN_PROGRESS:
                    at = maintenance.scheduled_for
                    # A component already in trouble keeps showing it: an outage is news
                    # that maintenance must not hide (and must not "end" either).
                    components = dict.fromkeys(
                        maintenance.components.filter(status=ComponentStatus.OPERATIONAL),
                        ComponentStatus.UNDER_MAINTENANCE,
                    )
                else:
                    at = maintenance.scheduled_until
                    components = dict.fromkeys(
                        maintenance.components.filter(status=ComponentStatus.UNDER_MAINTENANCE),
                        ComponentStatus.OPERATIONAL,
                    )
                post_update(
                    incident=maintenance,
                    status=new_status,
                    body=MAINTENANCE_BODIES[new_status],
                    components=components,
                    at=at,
                )
            moved += 1
    return moved


# --------------------------------------------------------------------------- uptime

# Statuspage's convention: a partial outage counts as 30 % down, degraded as up.
DOWNTIME_WEIGHT = {ComponentStatus.MAJOR_OUTAGE: 1.0, ComponentStatus.PARTIAL_OUTAGE: 0.3}
UPTIME_DAYS = 90


@dataclass
class UptimeDay:
    date: object
    status: str  # the worst status that day, or "no_data"
    label: str


@dataclass
class Uptime:
    days: list
    percent: str | None  # "99.97", None without data

    @property
    def issue_days(self):
        return [d for d in self.days if d.status not in ("no_data", ComponentStatus.OPERATIONAL)]


def uptime_by_component(components, *, now=None, days=UPTIME_DAYS):
    """90 days of worst-status-per-day and an uptime percentage, from the status history."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_day = today - timedelta(days=days - 1)
    window_start = timezone.make_aware(datetime.combine(first_day, datetime.min.time()))
    ids = [c.pk for c in components]
    before = dict(
        Component.objects.filter(pk__in=ids)
        .annotate(
            initial=Subquery(
                ComponentStatusChange.objects.filter(component=OuterRef("pk"), at__lt=window_start)
                .order_by("-at", "-pk")
                .values("status")[:1]
            )
        )
        .values_list("pk", "initial")
    )
    changes = {pk: [] for pk in ids}
    for component_id, status, at in ComponentStatusChange.objects.filter(
        component_id__in=ids, at__gte=window_start, at__lte=now
    ).values_list("component_id", "status", "at"):
        changes[component_id].append((at, status))
    result = {}
    for component in components:
        segments = []  # (start, end, status)
        current_status = before.get(component.pk)
        current_start = window_start
        for at, status in sorted(changes[component.pk]):
            if current_status is not None:
                segments.append((current_start, at, current_status))
            current_status, current_start = status, at
        if current_status is not None:
            segments.append((current_start, now, current_status))
        result[component.pk] = _uptime_from_segments(segments, first_day, days, now)
    return result


def _uptime_from_segments(segments, first_day, days, now):
    day_list, known, down = [], 0.0, 0.0
    for offset in range(days):
        date = first_day + timedelta(days=offset)
        day_start = timezone.make_aware(datetime.combine(date, datetime.min.time()))
        day_end = min(day_start + timedelta(days=1), now)
        seen = {}
        for start, end, status in segments:
            overlap = (min(end, day_end) - max(start, day_start)).total_seconds()
            if overlap > 0:
                seen[status] = seen.get(status, 0) + overlap
        if not seen:
            day_list.append(UptimeDay(date, "no_data", f"{date:%-d %b %Y}: no data"))
            continue
        worst = worst_component_status(seen)
        known += sum(seen.values())
        down += sum(seconds * DOWNTIME_WEIGHT.get(s, 0) for s, seconds in seen.items())
        label = ComponentStatus(worst).label
        day_list.append(UptimeDay(date, worst, f"{date:%-d %b %Y}: {label.lower()}"))
    # Rounded down: any downtime at all never reads as 100.00 %.
    percent = f"{math.floor(10000 * (1 - down / known)) / 100:.2f}" if known else None
    return Uptime(day_list, percent)


# --------------------------------------------------------------------------- Statuspage JSON


def site_url(path):
    """An absolute URL on the public site. From settings, never from the request: cached
    answers are shared by every client (a forged Host or X-Forwarded-Proto poisoned them)."""
    return settings.SITE_URL.rstrip("/") + path


def page_url():
    return settings.STATUS_PAGE_URL or site_url(reverse("status:status-page"))


def _page_json(updated_at):
    return {
        "id": settings.STATUS_PAGE_ID,
        "name": settings.STATUS_PAGE_NAME,
        "url": page_url(),
        "time_zone": settings.STATUS_PAGE_TIME_ZONE,
        "updated_at": format_timestamp(updated_at),
    }


def _page_updated_at():
    times = [
        Component.objects.aggregate(t=Max("updated_at"))["t"],
        ComponentGroup.objects.aggregate(t=Max("updated_at"))["t"],
        Incident.objects.aggregate(t=Max("updated_at"))["t"],
    ]
    return max((t for t in times if t), default=None)


def component_json(component, group_code=None):
    return {
        "id": component.code,
        "name": component.name,
        "status": component.status,
        "created_at": format_timestamp(component.created_at),
        "updated_at": format_timestamp(component.updated_at),
        "position": component.position,
        "description": component.description or None,
        "showcase": component.showcase,
        "start_date": component.start_date.isoformat() if component.start_date else None,
        "group_id": group_code,
        "page_id": settings.STATUS_PAGE_ID,
        "group": False,
        "only_show_if_degraded": component.only_show_if_degraded,
    }


def group_json(group, children):
    return {
        "id": group.code,
        "name": group.name,
        "status": worst_component_status(c.status for c in children),
        "created_at": format_timestamp(group.created_at),
        "updated_at": format_timestamp(group.updated_at),
        "position": group.position,
        "description": group.description or None,
        "showcase": False,
        "start_date": None,
        "group_id": None,
        "page_id": settings.STATUS_PAGE_ID,
        "group": True,
        "only_show_if_degraded": False,
        "components": [c.code for c in children],
    }


def component_tree():
    """[(group or None, [components])] in page order: 2 queries."""
    components = list(Component.objects.all())
    groups = {g.pk: (g, []) for g in ComponentGroup.objects.all()}
    top = [(g.position, g.name, g.pk, g) for g, _ in groups.values()]
    for component in components:
        if component.group_id in groups:
            groups[component.group_id][1].append(component)
        else:
            top.append((component.position, component.name, 0, component))
    tree = []
    for *_, item in sorted(top, key=lambda t: t[:3]):
        if isinstance(item, ComponentGroup):
            item.status = worst_component_status(c.status for c in groups[item.pk][1])
            if groups[item.pk][1]:
                tree.append((item, groups[item.pk][1]))
        else:
            tree.append((None, [item]))
    return tree


def _components_json():
    items = []
    for group, children in component_tree():
        if group is None:
            items.append(component_json(children[0]))
        else:
            items.append(group_json(group, children))
            items += [component_json(c, group.code) for c in children]
    return items


def incident_json(incident):
    data = {
        "id": incident.code,
        "name": incident.name,
        "status": incident.status,
        "created_at": format_timestamp(incident.created_at),
        "updated_at": format_timestamp(incident.updated_at),
        "monitoring_at": format_timestamp(incident.monitoring_at),
        "resolved_at": format_timestamp(incident.resolved_at),
        "impact": "maintenance" if incident.is_maintenance else incident.impact,
        "shortlink": site_url(incident.get_absolute_url()),
        "started_at": format_timestamp(incident.started_at),
        "page_id": settings.STATUS_PAGE_ID,
        "incident_updates": [update_json(u, incident) for u in incident.updates.all()],
        "components": [
            component_json(c, c.group.code if c.group else None) for c in incident.components.all()
        ],
    }
    if incident.is_maintenance:
        data["scheduled_for"] = format_timestamp(incident.scheduled_for)
        data["scheduled_until"] = format_timestamp(incident.scheduled_until)
    return data


def update_json(update, incident):
    changes = [
        {
            "code": change.component.code,
            "name": change.component.name,
            "old_status": change.old_status,
            "new_status": change.new_status,
        }
        for change in update.component_changes.all()
    ]
    return {
        "id": update.code,
        "status": update.status,
        "body": update.body,
        "incident_id": incident.code,
        "created_at": format_timestamp(update.created_at),
        "updated_at": format_timestamp(update.updated_at),
        "display_at": format_timestamp(update.display_at),
        "affected_components": changes or None,
        "deliver_notifications": False,
        "custom_tweet": None,
        "tweet_id": None,
    }


def _incidents_json(queryset):
    return [incident_json(i) for i in queryset.with_details()[:API_LIST_LIMIT]]


def _status_json(state):
    return {"indicator": state["indicator"], "description": state["description"]}


def maintenances(which):
    qs = Incident.objects.maintenances()
    if which == "upcoming":
        return qs.filter(status=MaintenanceStatus.SCHEDULED).order_by("scheduled_for")
    if which == "active":
        return qs.filter(
            status__in=[MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING]
        ).order_by("scheduled_for")
    if which == "open":
        return qs.unresolved().order_by("scheduled_for")
    return qs.order_by("-scheduled_for", "-pk")


def _build(name):
    state = status_state()
    body = {"page": _page_json(_page_updated_at())}
    incidents = Incident.objects.incidents()
    if name == "summary":
        body["components"] = _components_json()
        body["incidents"] = _incidents_json(incidents.unresolved())
        body["scheduled_maintenances"] = _incidents_json(maintenances("open"))
        body["status"] = _status_json(state)
    elif name == "status":
        body["status"] = _status_json(state)
    elif name == "components":
        body["components"] = _components_json()
    elif name == "incidents":
        body["incidents"] = _incidents_json(incidents)
    elif name == "incidents-unresolved":
        body["incidents"] = _incidents_json(incidents.unresolved())
    else:
        which = name.removeprefix("scheduled-maintenances").strip("-") or "all"
        body["scheduled_maintenances"] = _incidents_json(maintenances(which))
    return body


API_DOCUMENTS = [
    "summary",
    "status",
    "components",
    "incidents",
    "incidents-unresolved",
    "scheduled-maintenances",
    "scheduled-maintenances-upcoming",
    "scheduled-maintenances-active",
]


def api_document(name):
    """(JSON bytes, ETag) for one Statuspage endpoint, cached until the next status change."""

    def compute(now):
        body = json.dumps(_build(name), separators=(",", ":")).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return (body, etag), _next_boundary(now)

    return _cached(f"api:{name}", compute)
