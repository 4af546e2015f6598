"""The support reports of one period and one dimension, as the page and its CSV files show
them: figures (insights.support.figures) with names, labels and links."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from core.categories import SupportCategory
from core.people import staff_name
from insights.report import Period
from insights.support import figures, rolled, rollups
from insights.support.links import Links
from insights.support.period import DEFAULT_BY, DIMENSIONS, PERIODS
from tickets.models import AgentGroup, Channel, Organization, Priority

BREAKDOWN_ROWS = 50  # on the page; the CSV file has every row


@dataclass
class SupportReport:
    period: object
    by: str
    totals: figures.Figures
    breakdown: list
    days: list
    ages: list
    oldest: object
    service_levels: list
    workload: list
    more_rows: int = 0
    counted_at: object = None

    @property
    def by_label(self):
        return DIMENSIONS[self.by]


def _names(by, keys):
    """{key: label} for the values of a dimension."""
    keys = [k for k in keys if k is not None]
    if by == "channel":
        return dict(Channel.choices)
    if by == "category":
        return dict(SupportCategory.choices)
    if by == "group":
        return dict(AgentGroup.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "organization":
        return dict(Organization.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "agent":
        users = get_user_model().objects.filter(pk__in=keys)
        return {user.pk: staff_name(user) for user in users}
    return {k: k for k in keys}


NONE_LABELS = {
    "group": "No group",
    "organization": "No organization",
    "tag": "No tag",
    "agent": "Unassigned",
    "category": "(none)",
    "channel": "(none)",
}


def _label(by, key, names):
    if key is None or key == "":
        return NONE_LABELS[by]
    return str(names.get(key, f"{DIMENSIONS[by]} {key} (deleted)"))


def _order(row):
    return (-row.created, -row.backlog, -row.solved, row.label.casefold())


def source():
    """Where the figures come from: the daily totals once the clock has counted them
    (insights.support.rolled), else the tickets themselves (insights.support.figures)."""
    until = rollups.counted_until() if settings.SUPPORT_REPORT_ROLLUPS else None
    return rolled.Rolled(until) if until is not None else figures


def breakdown(
    period, by, links=None, parts=figures.EVERY, *, totals=None, counts=None, linked=None
):
    """The rows of the breakdown by `by`, busiest first. `totals`: a list that receives
    the whole period's figures, counted in the same queries. `counts`: the source().
    `linked`: how many rows get their links (all by default; the page shows 50)."""
    keys = figures.TICKET_KEYS[by], figures.RATING_KEYS[by]
    counts = counts or source()
    rows = counts.measures(period, *keys, parts, with_totals=totals is not None)
    if totals is not None:
        totals.append(rows.pop(figures.ALL))
    names = _names(by, rows)
    for row in rows.values():
        row.label = _label(by, row.key, names)
    ordered = sorted(rows.values(), key=_order)
    if links:
        for row in ordered[:linked]:
            links.figures(row, by)
    return ordered


def workload(period, links=None, rows=None, counts=None):
    """Per agent (and Unassigned): the backlog assigned now, what waits on support, created,
    solved and replies sent in the period, targets met (`rows`: the breakdown by agent,
    when it was counted already)."""
    counts = counts or source()
    if rows is None:
        rows = breakdown(period, "agent", links, figures.WORKLOAD, counts=counts)
    rows = list(rows)
    for row in rows if links else ():
        if not row.urls:  # beyond the breakdown's rows shown
            links.figures(row, "agent")
    replies = counts.replies_by_agent(period)
    for row in rows:
        row.replies = replies.pop(row.key, 0) if row.key is not None else 0
    if replies:  # agents who replied to tickets that are no longer theirs
        names = _names("agent", replies)
        for key, count in replies.items():
            extra = figures.Figures(key=key, label=_label("agent", key, names), replies=count)
            if links:
                links.figures(extra, "agent")
            rows.append(extra)
    return sorted(rows, key=lambda r: (-r.backlog, -r.solved, -r.replies, r.label.casefold()))


def service_levels(period, links=None, counts=None):
    """Per target and priority: solved tickets, how many met it, the rate."""
    counts = (counts or source()).service_levels(period)
    result = []
    for target, met, missed in (
        ("First response and replies", "response_met", "response_breached"),
        ("Resolution", "resolution_met", "resolution_breached"),
    ):
        for priority in sorted(Priority, reverse=True):
            found = counts.get(priority.value)
            if not found:
                continue
            row = {
                "target": target,
                "priority": priority.label,
                "solved": found["solved"],
                "met": found[met],
                "missed": found["solved"] - found[met],
                "rate": figures.rate(found[met], found["solved"]),
            }
            if links:
                row["solved_url"] = links.service_level(priority.value, None)
                row["missed_url"] = links.service_level(priority.value, missed)
            result.append(row)
    return result


def _key(period, by):
    return f"insights:support-report:{period.first}:{period.last}:{by}"


def cached(period, by):
    """The report of `period` by `by`, counted at most once every CACHE_SECONDS: reading
    100,000 tickets takes longer than a page should, and a report a few minutes old tells
    a lead the same. `counted_at` says when."""
    found = cache.get(_key(period, by))
    if found is None:
        found = build(period, by)
        cache.set(_key(period, by), found, settings.SUPPORT_REPORT_CACHE_SECONDS)
    return found


def count_defaults():
    """Count the views the page opens on again, into the cache (the clock's
    `insights.support_reports`); returns how many."""
    for days in PERIODS:
        period = Period.ending(days)
        cache.set(_key(period, DEFAULT_BY), build(period, DEFAULT_BY),
                  settings.SUPPORT_REPORT_CACHE_SECONDS)  # fmt: skip
    return len(PERIODS)


def build(period, by, *, with_links=True):
    links = Links(period) if with_links else None
    counts = source()
    found = []
    rows = breakdown(period, by, links, totals=found, counts=counts, linked=BREAKDOWN_ROWS)
    totals = found[0]
    totals.key, totals.label = figures.ALL, "All tickets"
    if links:
        links.figures(totals)
    # The chart walks back from the backlog of the moment its days were counted (the
    # clock's last run, up to four minutes old); the figure shown is the backlog now, read
    # with the ages table, so the two always agree.
    counted_backlog = totals.backlog
    ages, oldest, (totals.backlog, totals.waiting) = figures.backlog_ages()
    days = counts.days(period, counted_backlog)
    if links:
        today = timezone.localdate()
        for day in days:
            links.day(day)
        for age in ages:
            links.age(age, today)
    return SupportReport(
        period=period,
        by=by,
        totals=totals,
        breakdown=rows[:BREAKDOWN_ROWS],
        more_rows=max(len(rows) - BREAKDOWN_ROWS, 0),
        days=days,
        ages=ages,
        oldest=oldest,
        service_levels=service_levels(period, links, counts),
        workload=workload(period, links, rows if by == "agent" else None, counts),
        counted_at=timezone.now(),
    )
