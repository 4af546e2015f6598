"""The support reports' figures from the daily totals (insights.support.rollups): the same
answers as insights.support.figures, which counts them from the tickets, in a few rows a
day instead of every ticket of the period. Percentiles come from the time buckets (within
4.5 %, insights.support.buckets). Today's totals are the clock's last run's (every four
minutes), and so is the backlog; days after its last run's, should it stop, are counted
from the tickets at each report, and the backlog read from them.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from insights.models import SupportBacklog, SupportDay
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


# The time buckets summed by the database: each row's JSON object opened as rows.
BUCKET_SUMS = {
    "sqlite": (
        'SELECT d.dimension, d."key", j.key, SUM(j.value) FROM insights_supportday d, '
        "json_each(d.{column}) j WHERE d.dimension IN ({dimensions}) "
        'AND d.day >= %s AND d.day <= %s GROUP BY d.dimension, d."key", j.key'
    ),
    "postgresql": (
        'SELECT d.dimension, d."key", j.key, SUM(j.value::integer) FROM insights_supportday d, '
        "jsonb_each_text(d.{column}) j WHERE d.dimension IN ({dimensions}) "
        'AND d.day >= %s AND d.day <= %s GROUP BY d.dimension, d."key", j.key'
    ),
}


def _value(dimension, key):
    return ALL if dimension == "all" else rollups.read_key(dimension, key)


class Rolled:
    """The figures of one report from the totals: the stored days up to `until` (the day of
    the clock's last run), the days after it counted from the tickets once for the report."""

    def __init__(self, until):
        self.until = until
        self._live = {}

    def _ranges(self, first, last):
        stored = (first, min(last, self.until)) if first <= self.until else None
        live_first = max(first, self.until + timedelta(days=1))
        return stored, ((live_first, last) if live_first <= last else None)

    def _live_rows(self, first, last):
        if (first, last) not in self._live:
            self._live[first, last] = rollups.count(first, last)
        return self._live[first, last].values()

    def _sums(self, period, dimensions, *, times=False):
        """{value: Totals} of `dimensions` (the "all" rows under ALL) over the period."""
        sums = {}
        stored, live = self._ranges(period.first, period.last)
        if stored:
            rows = (
                SupportDay.objects.between(*stored)
                .filter(dimension__in=dimensions)
                .values_list("dimension", "key")
                .annotate(*(Sum(name) for name in SUMMED))
                .order_by()
            )
            for dimension, key, *values in rows:
                total = sums.setdefault(_value(dimension, key), Totals())
                for name, value in zip(SUMMED, values, strict=True):
                    setattr(total, name, value or 0)
            if times:
                self._bucket_sums(sums, stored, dimensions)
        if live:
            for row in self._live_rows(*live):
                if row.dimension in dimensions:
                    sums.setdefault(_value(row.dimension, row.key), Totals()).add(row)
        return sums

    def _bucket_sums(self, sums, stored, dimensions):
        sql = BUCKET_SUMS[connection.vendor]
        marks = ", ".join(["%s"] * len(dimensions))
        dates = [stored[0].isoformat(), stored[1].isoformat()]
        with connection.cursor() as cursor:
            for column in ("first_response", "resolution"):
                cursor.execute(sql.format(column=column, dimensions=marks), [*dimensions, *dates])
                for dimension, key, bucket, n in cursor.fetchall():
                    total = sums.setdefault(_value(dimension, key), Totals())
                    getattr(total, column)[bucket] = int(n)

    def measures(self, period, key=None, rating_key=None, parts=figures.EVERY, *,
                 with_totals=False):  # fmt: skip
        """insights.support.figures.measures, from the daily totals."""
        dimension = DIMENSION_OF[key] if key else "all"
        dimensions = [dimension, "all"] if with_totals and key else [dimension]
        times = bool({"first_response", "resolution"} & set(parts))
        rows = {}
        for value, total in self._sums(period, dimensions, times=times).items():
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
            for value, (backlog, waiting) in self._backlog(period, key, dimensions).items():
                row = rows.setdefault(value, Figures(key=value))
                row.backlog, row.waiting = backlog, waiting
        if key is None or with_totals:
            rows.setdefault(ALL, Figures())
        return rows

    def _backlog(self, period, key, dimensions):
        """{value: (backlog, waiting)}: as the clock's run today found it, or read now from
        the tickets when it has not run today."""
        if self.until >= timezone.localdate():
            rows = SupportBacklog.objects.filter(dimension__in=dimensions)
            return {
                _value(dimension, stored): (backlog, waiting)
                for dimension, stored, backlog, waiting in rows.values_list(
                    "dimension", "key", "backlog", "waiting"
                )
            }
        with_totals = len(dimensions) > 1
        now = figures.measures(period, key, None, {"backlog"}, with_totals=with_totals)
        return {value: (found.backlog, found.waiting) for value, found in now.items()}

    def replies_by_agent(self, period):
        sums = self._sums(period, ["author"])
        return {key: t.replies for key, t in sums.items() if t.replies}

    def service_levels(self, period):
        return {
            key: {
                "solved": t.solved,
                "response_met": t.response_met,
                "resolution_met": t.resolution_met,
            }  # fmt: skip
            for key, t in self._sums(period, ["priority"]).items()
            if t.solved
        }

    def days(self, period, backlog_now):
        """insights.support.figures.days, from the daily totals."""
        per_day = {}
        stored, live = self._ranges(period.first, timezone.localdate())
        if stored:
            rows = SupportDay.objects.between(*stored).filter(dimension="all")
            for day, created, solved in rows.values_list("day", "created", "solved"):
                per_day[day] = [created, solved]
        if live:
            for row in self._live_rows(*live):
                if row.dimension == "all":
                    found = per_day.setdefault(row.day, [0, 0])
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
