"""The figures of the support reports, counted by the database: one grouped query per
measure (and per breakdown), never a loop over tickets in Python.

Medians and 90th percentiles are nearest-rank percentiles taken with window functions
(ROW_NUMBER and COUNT over each group, ordered by the time): the database returns only the
ranks asked for, on SQLite and PostgreSQL alike. Times are business time (tickets.sla), which
tickets keep when they are first answered and when they are resolved.

Which tickets each measure counts, for a period from its first to its last day:
- created: opened in the period; solved: resolved (or closed) in the period;
- backlog: not finished now (New, Open, Pending customer), by age;
- first response: tickets first answered in the period; resolution: solved in the period;
- service levels: tickets solved in the period, by priority, whether each target was met
  (a breach sticks, tickets.models.workflow);
- satisfaction: ratings given or changed in the period (the agent and category the ticket
  had when it was rated, as on the Satisfaction page).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, DateField, F, Func, Min, Q, Value, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from tickets.models import (
    UNFINISHED,
    WAITING_ON_SUPPORT,
    SatisfactionRating,
    Ticket,
    TicketMessage,
)

ALL = "__all__"  # the key of the whole period's row
POINTS = (50, 90)  # the percentiles shown
# What each dimension groups tickets by, and satisfaction ratings by.
TICKET_KEYS = {
    "channel": "channel",
    "category": "category",
    "group": "group_id",
    "organization": "organization_id",
    "tag": "tags__name",
    "agent": "assignee_id",
}
RATING_KEYS = {
    "channel": "ticket__channel",
    "category": "category",
    "group": "ticket__group_id",
    "organization": "ticket__organization_id",
    "tag": "ticket__tags__name",
    "agent": "agent_id",
}
# The backlog's ages, in whole days since it was opened: (label, fewest, most or None).
AGES = (
    ("Today", 0, 0),
    ("1 to 2 days", 1, 2),
    ("3 to 6 days", 3, 6),
    ("1 to 4 weeks", 7, 29),
    ("30 days or more", 30, None),
)


def bounds(first, last):
    """The instants from the start of `first` to the end of `last` (current time zone)."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end


def grouped(queryset, key, **aggregates):
    """{value of `key`: {name: figure}}; with no key, {ALL: the totals}."""
    if key is None:
        return {ALL: queryset.aggregate(**aggregates)}
    rows = queryset.values(_k=F(key)).annotate(**aggregates).order_by()
    return {row.pop("_k"): row for row in rows}


def percentiles(queryset, key, column, points=POINTS, *, with_totals=False):
    """{value of `key`: {50: seconds, 90: seconds, "count": n}} over the rows where `column`
    is set: nearest-rank percentiles (the smallest value at or above p % of the rows).
    `with_totals`: the whole set's too, under ALL, from the same scan."""
    partition = [F(key)] if key else None
    order = [F(column).asc(), F("pk")]
    windows = {
        "_rank": Window(RowNumber(), partition_by=partition, order_by=order),
        "_n": Window(Count("pk"), partition_by=partition),
    }
    totals = bool(key and with_totals)
    if totals:
        windows["_all_rank"] = Window(RowNumber(), order_by=order)
        windows["_all_n"] = Window(Count("pk"))
    ranked = queryset.filter(**{f"{column}__isnull": False}).annotate(
        _k=F(key) if key else Value(ALL), **windows
    )
    wanted = Q()
    for point in points:
        # ceil(n * p / 100) in whole numbers, the same on both engines
        wanted |= Q(_rank=(F("_n") * point + 99) / 100)
        if totals:
            wanted |= Q(_all_rank=(F("_all_n") * point + 99) / 100)
    names = ["_k", "_rank", "_n", column, *(["_all_rank", "_all_n"] if totals else [])]
    found = {}
    for value, rank, count, seconds, *overall in ranked.filter(wanted).values_list(*names):
        for point in points:
            if rank == (count * point + 99) // 100:
                found.setdefault(value, {"count": count})[point] = seconds
            if overall and overall[0] == (overall[1] * point + 99) // 100:
                found.setdefault(ALL, {"count": overall[1]})[point] = seconds
    return found


class Urls(dict):
    """A row's links by name: '' for a number with no list to lead to."""

    def __missing__(self, key):
        return ""


@dataclass
class Figures:
    """One row of a report: the whole period, or one channel, agent, tag..."""

    key: object = ALL
    label: str = "All tickets"
    created: int = 0
    solved: int = 0
    backlog: int = 0
    waiting: int = 0
    response_met: int = 0
    resolution_met: int = 0
    first_response: dict = field(default_factory=dict)  # {50: s, 90: s, "count": n}
    resolution: dict = field(default_factory=dict)
    good: int = 0
    bad: int = 0
    replies: int = 0
    urls: dict = field(default_factory=Urls)

    @property
    def ratings(self):
        return self.good + self.bad

    @property
    def csat(self):
        return rate(self.good, self.ratings)

    @property
    def first_response_median(self):
        return self.first_response.get(50)

    @property
    def first_response_p90(self):
        return self.first_response.get(90)

    @property
    def resolution_median(self):
        return self.resolution.get(50)

    @property
    def resolution_p90(self):
        return self.resolution.get(90)

    @property
    def response_rate(self):
        return rate(self.response_met, self.solved)

    @property
    def resolution_rate(self):
        return rate(self.resolution_met, self.solved)


def rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


EVERY = frozenset({"created", "solved", "backlog", "first_response", "resolution", "csat"})
WORKLOAD = frozenset({"created", "solved", "backlog"})


COUNTED = ("created", "solved", "response_met", "resolution_met", "backlog", "waiting")


def measures(period, key=None, rating_key=None, parts=EVERY, *, with_totals=False):
    """{value: Figures} for the period, grouped by `key` (a Ticket lookup) and `rating_key`
    (the same dimension from a SatisfactionRating), or the totals when both are None;
    `parts`: the measures to count (one or two queries each). `with_totals`: the totals
    too, under ALL: the sums of the rows when each ticket is in one row (every dimension
    but tags), the percentiles from the same scans."""
    start, end = bounds(period.first, period.last)
    tickets = Ticket.objects.all()
    opened = tickets.filter(created_at__gte=start, created_at__lt=end)
    solved = tickets.filter(resolved_at__gte=start, resolved_at__lt=end)
    answered = tickets.filter(first_response_at__gte=start, first_response_at__lt=end)
    ratings = SatisfactionRating.objects.filter(updated_at__gte=start, updated_at__lt=end)
    rows = {}

    def row(value):
        return rows.setdefault(value, Figures(key=value))

    if "created" in parts:
        for value, found in grouped(opened, key, created=Count("pk")).items():
            row(value).created = found["created"]
    if "solved" in parts:
        solved_counts = grouped(
            solved,
            key,
            solved=Count("pk"),
            response_met=Count("pk", filter=Q(response_breached=False)),
            resolution_met=Count("pk", filter=Q(resolution_breached=False)),
        )
        for value, found in solved_counts.items():
            figures = row(value)
            figures.solved = found["solved"]
            figures.response_met = found["response_met"]
            figures.resolution_met = found["resolution_met"]
    if "backlog" in parts:
        backlog = grouped(
            tickets.filter(status__in=UNFINISHED),
            key,
            backlog=Count("pk"),
            waiting=Count("pk", filter=Q(status__in=WAITING_ON_SUPPORT)),
        )
        for value, found in backlog.items():
            row(value).backlog, row(value).waiting = found["backlog"], found["waiting"]
    # A ticket with several tags is in several rows: the whole set is counted apart.
    several = bool(key) and "__" in key
    ranks = {"with_totals": with_totals and not several}
    if "first_response" in parts:
        for value, found in percentiles(answered, key, "first_response_seconds", **ranks).items():
            row(value).first_response = found
    if "resolution" in parts:
        for value, found in percentiles(solved, key, "resolution_seconds", **ranks).items():
            row(value).resolution = found
    if "csat" in parts:
        csat = grouped(
            ratings,
            rating_key,
            good=Count("pk", filter=Q(rating="good")),
            bad=Count("pk", filter=Q(rating="bad")),
        )
        for value, found in csat.items():
            row(value).good, row(value).bad = found["good"], found["bad"]
    if key is None:
        rows.setdefault(ALL, Figures())
    elif with_totals:
        if several:
            rows[ALL] = measures(period, parts=parts)[ALL]
        else:
            totals = rows.pop(ALL, None) or Figures()
            for one in rows.values():
                for name in (*COUNTED, "good", "bad"):
                    setattr(totals, name, getattr(totals, name) + getattr(one, name))
            rows[ALL] = totals
    return rows


def replies_by_agent(period):
    """{agent id: replies to customers in the period}."""
    start, end = bounds(period.first, period.last)
    replies = TicketMessage.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        author_kind=TicketMessage.Author.STAFF,
        is_internal=False,
    )
    return {
        value: found["n"] for value, found in grouped(replies, "author_id", n=Count("pk")).items()
    }


def day_of(column):
    """The day (current time zone) of a time column. On SQLite in UTC, its own date() over
    the stored UTC text: TruncDate there is a Python function called once per row."""
    if connection.vendor == "sqlite" and timezone.get_current_timezone_name() == "UTC":
        return Func(F(column), function="date", output_field=DateField())
    return TruncDate(column)


@dataclass
class Day:
    day: date
    created: int = 0
    solved: int = 0
    backlog: int = 0
    urls: dict = field(default_factory=dict)

    @property
    def label(self):
        return f"{self.day:%a} {self.day.day} {self.day:%b %Y}"


def days(period, backlog_now):
    """Created and solved per day, and the backlog at the end of each day: today's, less
    what was opened since, plus what was solved since (reopened tickets are counted as
    unfinished all along: an estimate, exact while no ticket reopens)."""
    start, end = bounds(period.first, period.last)
    tickets = Ticket.objects.all()
    created = dict(
        tickets.filter(created_at__gte=start, created_at__lt=end)
        .annotate(_d=day_of("created_at"))
        .values_list("_d")
        .annotate(n=Count("pk"))
        .order_by()
    )
    solved = dict(
        tickets.filter(resolved_at__gte=start, resolved_at__lt=end)
        .annotate(_d=day_of("resolved_at"))
        .values_list("_d")
        .annotate(n=Count("pk"))
        .order_by()
    )
    later = tickets.filter(Q(created_at__gte=end) | Q(resolved_at__gte=end)).aggregate(
        created=Count("pk", filter=Q(created_at__gte=end)),
        solved=Count("pk", filter=Q(resolved_at__gte=end)),
    )
    backlog = backlog_now - later["created"] + later["solved"]
    result = []
    for day in reversed(period.each_day()):
        result.append(Day(day, created.get(day, 0), solved.get(day, 0), max(backlog, 0)))
        backlog += solved.get(day, 0) - created.get(day, 0)
    return result[::-1]


@dataclass
class Age:
    label: str
    fewest: int
    most: int | None
    count: int = 0
    url: str = ""


def backlog_ages(today=None):
    """The unfinished tickets by how long ago they were opened, the oldest, and (backlog,
    waiting on support) now: read in one query, so a report's figures of the backlog agree
    with its ages."""
    today = today or timezone.localdate()
    counts, ages = {}, []
    for n, (label, fewest, most) in enumerate(AGES):
        newest_day = today - timedelta(days=fewest)
        start = bounds(today - timedelta(days=most), today)[0] if most is not None else None
        end = bounds(newest_day, newest_day)[1]
        condition = Q(created_at__lt=end) & (Q(created_at__gte=start) if start else Q())
        counts[f"age{n}"] = Count("pk", filter=condition)
        ages.append(Age(label, fewest, most))
    found = Ticket.objects.filter(status__in=UNFINISHED).aggregate(
        oldest=Min("created_at"),
        backlog=Count("pk"),
        waiting=Count("pk", filter=Q(status__in=WAITING_ON_SUPPORT)),
        **counts,
    )
    for n, age in enumerate(ages):
        age.count = found[f"age{n}"]
    return ages, found["oldest"], (found["backlog"], found["waiting"])


def service_levels(period):
    """Per priority, of the tickets solved in the period: how many met the response target
    (first response and next replies) and the resolution target."""
    start, end = bounds(period.first, period.last)
    solved = Ticket.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
    return grouped(
        solved,
        "priority",
        solved=Count("pk"),
        response_met=Count("pk", filter=Q(response_breached=False)),
        resolution_met=Count("pk", filter=Q(resolution_breached=False)),
    )
