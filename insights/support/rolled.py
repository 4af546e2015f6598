"""The support reports' figures from the daily totals (insights.support.rollups): the same
answers as insights.support.figures, which counts them from the tickets, in a few rows a
week (and a day at the period's ends) instead of every ticket of the period. Percentiles
come from the time buckets (within 4.5 %, insights.support.buckets). Today's totals are the
clock's last run's (every four minutes), and so is the backlog; days after its last run's,
should it stop, are counted from the tickets at each report, and the backlog read from them.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from insights.models import SupportBacklog, SupportDay, SupportWeek
from insights.support import buckets, figures, rollups
from insights.support.figures import ALL, POINTS, Figures

DIMENSION_OF = {key: name for name, key in figures.TICKET_KEYS.items()}
SUMMED = SupportDay.COUNTS
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
        'SELECT d.dimension, d."key", j.key, SUM(j.value) FROM {table} d, '
        "json_each(d.{column}) j WHERE d.dimension IN ({dimensions}) "
        'AND ({dates}) GROUP BY d.dimension, d."key", j.key'
    ),
    "postgresql": (
        'SELECT d.dimension, d."key", j.key, SUM(j.value::integer) FROM {table} d, '
        "jsonb_each_text(d.{column}) j WHERE d.dimension IN ({dimensions}) "
        'AND ({dates}) GROUP BY d.dimension, d."key", j.key'
    ),
}


def spans(first, last):
    """The days `first` to `last` as stored rows read them: [(model, date field, [(from,
    to), ...])], the whole weeks (Monday to Sunday) from SupportWeek, the days before and
    after them from SupportDay."""
    start = first + timedelta(days=-first.weekday() % 7)  # the first Monday from `first`
    end = rollups.monday(last - timedelta(days=6))  # the last Monday whose Sunday is in
    if start > end:
        return [(SupportDay, "day", [(first, last)])]
    edges = []
    if first < start:
        edges.append((first, start - timedelta(days=1)))
    if end + timedelta(days=6) < last:
        edges.append((end + timedelta(days=7), last))
    found = [(SupportWeek, "week", [(start, end)])]
    return found + ([(SupportDay, "day", edges)] if edges else [])


def _value(dimension, key):
    return ALL if dimension == "all" else rollups.read_key(dimension, key)


def _totals(sums, dimension, key):
    """The Totals of a stored row's value in `sums`, new if it has none yet (one per
    value: a row a bucket reads it thousands of times)."""
    value = _value(dimension, key)
    found = sums.get(value)
    if found is None:
        found = sums[value] = Totals()
    return found


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
        for model, field, ranges in spans(*stored) if stored else ():
            within = Q()
            for first, last in ranges:
                within |= Q(**{f"{field}__gte": first, f"{field}__lte": last})
            rows = (
                model.objects.filter(within, dimension__in=dimensions)
                .values_list("dimension", "key")
                .annotate(*(Sum(name) for name in SUMMED))
                .order_by()
            )
            for dimension, key, *values in rows:
                total = _totals(sums, dimension, key)
                for name, value in zip(SUMMED, values, strict=True):
                    setattr(total, name, getattr(total, name) + (value or 0))
            if times:
                self._bucket_sums(sums, model, field, ranges, dimensions)
        if live:
            for row in self._live_rows(*live):
                if row.dimension in dimensions:
                    _totals(sums, row.dimension, row.key).add(row)
        return sums

    def _bucket_sums(self, sums, model, field, ranges, dimensions):
        marks = ", ".join(["%s"] * len(dimensions))
        dates = " OR ".join([f"d.{field} BETWEEN %s AND %s"] * len(ranges))
        bounds = [day.isoformat() for span in ranges for day in span]
        with connection.cursor() as cursor:
            for column in SupportDay.TIMES:
                sql = BUCKET_SUMS[connection.vendor].format(
                    table=model._meta.db_table, column=column, dimensions=marks, dates=dates
                )
                cursor.execute(sql, [*dimensions, *bounds])
                for dimension, key, bucket, n in cursor.fetchall():
                    total = _totals(sums, dimension, key)
                    times = getattr(total, column)
                    times[bucket] = times.get(bucket, 0) + int(n)

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
