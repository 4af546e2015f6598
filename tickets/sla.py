"""Service-level targets counted in business hours.

A schedule (working days and hours in one time zone, minus holidays) comes from settings:
TICKET_BUSINESS_HOURS = {"time_zone": "Europe/Berlin", "days": [0, 1, 2, 3, 4],
"start": "09:00", "end": "17:00"}, or None for round the clock; TICKET_HOLIDAYS lists dates.
Targets per priority (TICKET_SLA_HOURS) are business hours: a Normal ticket sent on Friday at
16:00 with an 8-hour first-response target is due on Monday at 16:00.
"""

import ast
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from django.conf import settings

MAX_DAYS = 800  # how far a computation may walk (two years of weekends and holidays)


@dataclass(frozen=True)
class Schedule:
    zone: zoneinfo.ZoneInfo | None  # None: round the clock
    days: frozenset = frozenset()
    start: time = time(0)
    end: time = time(0)
    holidays: frozenset = frozenset()

    def window(self, day):
        """The working interval of `day` (aware datetimes), or None."""
        if day.weekday() not in self.days or day in self.holidays:
            return None
        opens = datetime.combine(day, self.start, self.zone)
        closes = datetime.combine(day, self.end, self.zone)
        return (opens, closes) if closes > opens else None


@cache
def _schedule(hours_repr, holidays):
    hours = ast.literal_eval(hours_repr)
    if hours is None:
        return Schedule(zone=None)
    zone = zoneinfo.ZoneInfo(hours.get("time_zone", "UTC"))
    return Schedule(
        zone=zone,
        days=frozenset(hours.get("days", (0, 1, 2, 3, 4))),
        start=time.fromisoformat(hours.get("start", "09:00")),
        end=time.fromisoformat(hours.get("end", "17:00")),
        holidays=frozenset(date.fromisoformat(d) for d in holidays),
    )


def schedule():
    """The schedule in settings (parsed once per distinct value)."""
    return _schedule(repr(settings.TICKET_BUSINESS_HOURS), tuple(settings.TICKET_HOLIDAYS))


def add(start, hours, plan=None):
    """The moment `hours` business hours after `start`."""
    plan = plan or schedule()
    if plan.zone is None:
        return start + timedelta(hours=hours)
    left = timedelta(hours=hours)
    moment = start.astimezone(plan.zone)
    for _ in range(MAX_DAYS):
        window = plan.window(moment.date())
        if window:
            opens, closes = window
            moment = max(moment, opens)
            if moment < closes:
                if moment + left <= closes:
                    return (moment + left).astimezone(UTC)
                left -= closes - moment
        moment = datetime.combine(moment.date() + timedelta(days=1), time(0), plan.zone)
    return (moment + left).astimezone(UTC)


def between(start, end, plan=None):
    """Business time from `start` to `end` (zero when end is not after start)."""
    plan = plan or schedule()
    if end <= start:
        return timedelta(0)
    if plan.zone is None:
        return end - start
    total = timedelta(0)
    moment, end = start.astimezone(plan.zone), end.astimezone(plan.zone)
    for _ in range(MAX_DAYS):
        if moment >= end:
            break
        window = plan.window(moment.date())
        if window:
            opens, closes = max(window[0], moment), min(window[1], end)
            if closes > opens:
                total += closes - opens
        moment = datetime.combine(moment.date() + timedelta(days=1), time(0), plan.zone)
    return total


def within_hours(moment, plan=None):
    """Whether `moment` falls in business hours (always, round the clock)."""
    plan = plan or schedule()
    if plan.zone is None:
        return True
    local = moment.astimezone(plan.zone)
    window = plan.window(local.date())
    return window is not None and window[0] <= local < window[1]


def target(kind, priority_name, overrides=None):
    """Hours for one target ("first_response", "next_reply", "resolution") and priority:
    a support plan's (`overrides`, in the same shape as TICKET_SLA_HOURS: SupportPlan's
    sla_hours) where it sets one, else the settings'."""
    planned = (overrides or {}).get(kind, {}).get(priority_name)
    return planned if planned is not None else settings.TICKET_SLA_HOURS[kind][priority_name]


def short_span(delta):
    """A span as the queue writes it: "25 min", "3 h", "2 d" (whole units, rounded down;
    static/js/countdown.js writes the same words)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 60 * 48:
        return f"{minutes // 60} h"
    return f"{minutes // (60 * 24)} d"


def countdown(due, now):
    """How long until `due`, or since it passed, in wall-clock time: "due in 25 min",
    "breached 1 h ago" (the page recomputes it every half minute from the same moment)."""
    if due is None:
        return ""
    if due > now:
        left = due - now
        return "due now" if left < timedelta(minutes=1) else f"due in {short_span(left)}"
    late = now - due
    if late < timedelta(minutes=1):
        return "breached just now"
    return f"breached {short_span(late)} ago"
