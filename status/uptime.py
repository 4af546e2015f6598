"""Uptime from the status history: the 90-day bars and their percentages."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from status.models import (
    Component,
    ComponentStatus,
    ComponentStatusChange,
    worst_component_status,
)

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
