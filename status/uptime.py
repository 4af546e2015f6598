"""Uptime from the status history: the 90-day bars (with what each day held) and the monthly
percentages of /history/."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from status.models import (
    Component,
    ComponentStatus,
    ComponentStatusChange,
    Incident,
    Kind,
    worst_component_status,
)

# Statuspage's convention: a partial outage counts as 30 % down, degraded as up.
DOWNTIME_WEIGHT = {ComponentStatus.MAJOR_OUTAGE: 1.0, ComponentStatus.PARTIAL_OUTAGE: 0.3}
UPTIME_DAYS = 90


@dataclass
class UptimeDay:
    date: object
    status: str  # the worst status that day, or "no_data"
    label: str  # "4 Nov 2026: partial outage" (the bars' summary)
    percent: str | None = None
    incidents: list = field(default_factory=list)  # names of incidents open that day

    @property
    def tooltip(self):
        """Date, uptime and the incidents of the day, in words (the bar's tooltip)."""
        if self.status == "no_data":
            return f"{self.date:%-d %b %Y}: no data"
        text = f"{self.date:%-d %b %Y}: {self.percent}% uptime"
        if self.status != ComponentStatus.OPERATIONAL:
            text += f", {ComponentStatus(self.status).label.lower()}"
        if self.incidents:
            text += "; " + "; ".join(self.incidents)
        return text


@dataclass
class Uptime:
    days: list
    percent: str | None  # "99.97", None without data

    @property
    def issue_days(self):
        return [d for d in self.days if d.status not in ("no_data", ComponentStatus.OPERATIONAL)]

    @property
    def notable_days(self):
        """Days with less than full uptime or an incident: the text alternative lists them."""
        return [
            d
            for d in self.days
            if d.status != "no_data"
            and (d.status != ComponentStatus.OPERATIONAL or d.incidents or d.percent != "100.00")
        ]


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _segments(ids, start, end):
    """{component pk: [(from, to, status)]} between `start` and `end`, from the history."""
    before = dict(
        Component.objects.filter(pk__in=ids)
        .annotate(
            initial=Subquery(
                ComponentStatusChange.objects.filter(component=OuterRef("pk"), at__lt=start)
                .order_by("-at", "-pk")
                .values("status")[:1]
            )
        )
        .values_list("pk", "initial")
    )
    changes = {pk: [] for pk in ids}
    for component_id, status, at in ComponentStatusChange.objects.filter(
        component_id__in=ids, at__gte=start, at__lte=end
    ).values_list("component_id", "status", "at"):
        changes[component_id].append((at, status))
    result = {}
    for pk in ids:
        segments = []
        current_status, current_start = before.get(pk), start
        for at, status in sorted(changes[pk]):
            if current_status is not None:
                segments.append((current_start, at, current_status))
            current_status, current_start = status, at
        if current_status is not None:
            segments.append((current_start, end, current_status))
        result[pk] = segments
    return result


def _seconds_by_status(segments, start, end):
    seen = {}
    for s_from, s_to, status in segments:
        overlap = (min(s_to, end) - max(s_from, start)).total_seconds()
        if overlap > 0:
            seen[status] = seen.get(status, 0) + overlap
    return seen


def _percent(seen):
    """Rounded down: any downtime at all never reads as 100.00 %."""
    known = sum(seen.values())
    if not known:
        return None
    down = sum(seconds * DOWNTIME_WEIGHT.get(s, 0) for s, seconds in seen.items())
    return f"{math.floor(10000 * (1 - down / known)) / 100:.2f}"


def _incidents(ids, start, end):
    """{component pk: [(from, to or None, name)]}: incidents open at some time in the window."""
    through = Incident.components.through.objects.filter(
        component_id__in=ids, incident__kind=Kind.INCIDENT, incident__started_at__lte=end
    ).filter(Q(incident__resolved_at__isnull=True) | Q(incident__resolved_at__gte=start))
    result = {pk: [] for pk in ids}
    for component_id, name, started, resolved in through.values_list(
        "component_id", "incident__name", "incident__started_at", "incident__resolved_at"
    ):
        result[component_id].append((started, resolved, name))
    return result


def uptime_by_component(components, *, now=None, days=UPTIME_DAYS):
    """90 days of worst-status-per-day, uptime and incidents, and an uptime percentage."""
    now = now or timezone.now()
    first_day = timezone.localdate(now) - timedelta(days=days - 1)
    window_start = _midnight(first_day)
    ids = [c.pk for c in components]
    segments = _segments(ids, window_start, now)
    incidents = _incidents(ids, window_start, now)
    result = {}
    for pk in ids:
        day_list, total = [], {}
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            day_start = _midnight(day)
            day_end = min(day_start + timedelta(days=1), now)
            seen = _seconds_by_status(segments[pk], day_start, day_end)
            if not seen:
                day_list.append(UptimeDay(day, "no_data", f"{day:%-d %b %Y}: no data"))
                continue
            for status, seconds in seen.items():
                total[status] = total.get(status, 0) + seconds
            worst = worst_component_status(seen)
            names = [
                name
                for started, resolved, name in sorted(incidents[pk])
                if started < day_end and (resolved is None or resolved >= day_start)
            ]
            label = f"{day:%-d %b %Y}: {ComponentStatus(worst).label.lower()}"
            day_list.append(UptimeDay(day, worst, label, _percent(seen), names))
        result[pk] = Uptime(day_list, _percent(total))
    return result


@dataclass
class Month:
    first_day: date
    rows: list  # [(component, percent or None)]
    incidents: list  # incidents that started this month


def months_back(today, count, skip=0):
    """The first days of `count` months, newest first, `skip` months before `today`'s."""
    year, month = today.year, today.month
    firsts = []
    for n in range(skip + count):
        y, m = divmod(year * 12 + month - 1 - n, 12)
        if n >= skip:
            firsts.append(date(y, m + 1, 1))
    return firsts


def parse_month(text):
    """The first day of the month "YYYY-MM" names, or None for anything else."""
    text = (text or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isascii():
        return None
    try:
        return date(int(text[:4]), int(text[5:]), 1)
    except ValueError:
        return None


def _next_month(first):
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def monthly_uptime(components, firsts, *, now=None):
    """Per component uptime for each month starting on a day of `firsts` (newest first)."""
    now = now or timezone.now()
    if not firsts:
        return []
    ids = [c.pk for c in components]
    start = _midnight(min(firsts))
    last = max(firsts)
    end = min(_midnight(_next_month(last)), now)
    segments = _segments(ids, start, end)
    incidents = list(
        Incident.objects.filter(kind=Kind.INCIDENT, started_at__gte=start, started_at__lt=end)
        .only("code", "name", "impact", "started_at", "kind")
        .order_by("-started_at")
    )
    months = []
    for first in firsts:
        month_start = _midnight(first)
        month_end = min(_midnight(_next_month(first)), now)
        rows = [
            (c, _percent(_seconds_by_status(segments[c.pk], month_start, month_end)))
            for c in components
        ]
        listed = [i for i in incidents if month_start <= i.started_at < month_end]
        months.append(Month(first, rows, listed))
    return months


def first_record_date():
    first = ComponentStatusChange.objects.order_by("at").values_list("at", flat=True).first()
    return timezone.localdate(first) if first else None
