"""The support reports' figures from the daily totals (insights.support.rollups): the same
answers as insights.support.figures, which counts them from the tickets, in a few rows a
day instead of every ticket of the period. Percentiles come from the time buckets (within
4.5 %, insights.support.buckets). The days since the clock's last run are counted from
the tickets at each report (today's always); the backlog is now's, read from the tickets.
"""

from datetime import timedelta

from django.utils import timezone

from insights.models import SupportDay
from insights.support import buckets, figures, rollups
from insights.support.figures import ALL, POINTS, Figures

DIMENSION_OF = {key: name for name, key in figures.TICKET_KEYS.items()}
SUMMED = ("created", "solved", "response_met", "resolution_met", "answered", "good", "bad")
SUMMED += ("replies",)
PARTS = {  # what makes a row appear, per part asked for (as the grouped queries do)
    "created": ("created",),
    "solved": ("solved",),
    "first_response": ("answered",),
    "resolution": ("resolution",),
    "csat": ("good", "bad"),
}


class Totals:
    """One value's sums over the days, before they become Figures."""

    __slots__ = (*SUMMED, "first_response", "resolution")

    def __init__(self):
        for name in SUMMED:
            setattr(self, name, 0)
        self.first_response, self.resolution = {}, {}

    def add(self, row):
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + getattr(row, name))
        buckets.merge(self.first_response, row.first_response)
        buckets.merge(self.resolution, row.resolution)

    def shows(self, parts):
        for part, names in PARTS.items():
            if part not in parts:
                continue
            if part == "resolution" and sum(self.resolution.values()):
                return True
            if any(getattr(self, n) for n in names if n != "resolution"):
                return True
        return False


class Stored:
    """The values a row needs from the table (no model instances: thousands of rows)."""

    __slots__ = ("key", *SUMMED, "first_response", "resolution")

    def __init__(self, values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def _rows(period, dimensions):
    """[(dimension, day, row)] for the period: stored whole days, and the later days (the
    clock's last run's and after) counted from the tickets now."""
    until = rollups.counted_until() or period.first - timedelta(days=1)
    stored_last = min(period.last, until)
    found = []
    if period.first <= stored_last:
        values = (
            SupportDay.objects.between(period.first, stored_last)
            .filter(dimension__in=dimensions)
            .values_list("dimension", "day", "key", *SUMMED, "first_response", "resolution")
        )
        found += [(dim, day, Stored(rest)) for dim, day, *rest in values.iterator(2000)]
    live_first = max(period.first, until + timedelta(days=1))
    if live_first <= period.last:
        named = [d for d in dimensions if d != "all"]
        counted = rollups.count(live_first, period.last, named)
        found += [(dim, day, row) for (day, dim, _key), row in counted.items()
                  if dim in dimensions]  # fmt: skip
    return found


def _sums(period, dimension):
    sums = {}
    for dim, _day, row in _rows(period, [dimension]):
        key = ALL if dim == "all" else rollups.read_key(dim, row.key)
        sums.setdefault(key, Totals()).add(row)
    return sums


def measures(period, key=None, rating_key=None, parts=figures.EVERY, *, with_totals=False):
    """insights.support.figures.measures, from the daily totals."""
    dimension = DIMENSION_OF[key] if key else "all"
    dimensions = [dimension, "all"] if with_totals and key else [dimension]
    sums = {}
    for dim, _day, row in _rows(period, dimensions):
        value = ALL if dim == "all" else rollups.read_key(dim, row.key)
        sums.setdefault(value, Totals()).add(row)
    rows = {}
    for value, total in sums.items():
        if value != ALL and not total.shows(parts):
            continue
        row = rows[value] = Figures(key=value)
        if "created" in parts:
            row.created = total.created
        if "solved" in parts:
            row.solved, row.response_met = total.solved, total.response_met
            row.resolution_met = total.resolution_met
        if "first_response" in parts:
            row.first_response = buckets.percentiles(total.first_response, POINTS)
        if "resolution" in parts:
            row.resolution = buckets.percentiles(total.resolution, POINTS)
        if "csat" in parts:
            row.good, row.bad = total.good, total.bad
    if "backlog" in parts:
        now = figures.measures(period, key, rating_key, {"backlog"}, with_totals=with_totals)
        for value, found in now.items():
            row = rows.setdefault(value, Figures(key=value))
            row.backlog, row.waiting = found.backlog, found.waiting
    if key is None or with_totals:
        rows.setdefault(ALL, Figures())
    return rows


def replies_by_agent(period):
    return {key: t.replies for key, t in _sums(period, "author").items() if t.replies}


def service_levels(period):
    return {
        key: {
            "solved": t.solved,
            "response_met": t.response_met,
            "resolution_met": t.resolution_met,
        }  # fmt: skip
        for key, t in _sums(period, "priority").items()
        if t.solved
    }


def days(period, backlog_now):
    """insights.support.figures.days, from the daily totals."""
    today = timezone.localdate()
    per_day = {}
    after = type(period)(days=0, first=period.first, last=today)
    for _dim, day, row in _rows(after, ["all"]):
        found = per_day.setdefault(day, [0, 0])
        found[0] += row.created
        found[1] += row.solved
    later = [sum(f[i] for d, f in per_day.items() if d > period.last) for i in (0, 1)]
    backlog = backlog_now - later[0] + later[1]
    result = []
    for day in reversed(period.each_day()):
        created, solved = per_day.get(day, (0, 0))
        result.append(figures.Day(day, created, solved, max(backlog, 0)))
        backlog += solved - created
    return result[::-1]
