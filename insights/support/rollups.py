"""The support reports' daily totals (insights.models.SupportDay): counted here from the
tickets, one day or a run of days at a time, and kept up to date by the clock.

`refresh()` (the clock's `insights.support_reports`, every four minutes) counts again the
days touched since its last run: the days each changed ticket was counted on before (kept in
SupportDayTicket) and is counted on now, the days of deleted tickets, and every day from the
last run to today (replies sent meanwhile). A ticket changes when it is saved (`updated_at`)
or rated. `rebuild()` (`manage.py insights support-rollups`, or the clock when there are none
yet) counts everything again: after writes that bypass `save()` (QuerySet.update, imports
with times in the past, a rating or message deleted on its own).

Rows are counted in Python from the day's tickets (a few thousand rows a day), the same
definitions as insights.support.figures counts with SQL. Each time days are stored, the weeks
that hold them are summed again from them (SupportWeek), for long periods.
"""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from insights.models import (
    SupportBacklog,
    SupportDay,
    SupportDayTicket,
    SupportRollupMark,
    SupportWeek,
)
from insights.support import buckets
from insights.support.figures import TICKET_KEYS, bounds, day_of, grouped
from tickets.models import UNFINISHED, WAITING_ON_SUPPORT, SatisfactionRating, Ticket, TicketMessage

# The dimensions a row is kept for, and how a ticket gives its value of each.
TICKET_DIMENSIONS = {
    "channel": "channel",
    "category": "category",
    "group": "group_id",
    "organization": "organization_id",
    "agent": "assignee_id",
    "priority": "priority",
}
# A rating is counted under the agent and category the ticket had when it was rated.
RATING_DIMENSIONS = {
    "channel": "ticket__channel",
    "category": "category",
    "group": "ticket__group_id",
    "organization": "ticket__organization_id",
    "agent": "agent_id",
}
NUMERIC = {"group", "organization", "agent", "priority", "author"}
OVERLAP = timedelta(minutes=2)  # writes still in flight when the last run read
CHUNK_DAYS = 31  # days counted at once by a rebuild
IN_CHUNK = 2000  # ids in one IN (...)


def stored_key(value):
    return None if value is None else str(value)


def read_key(dimension, key):
    """A stored key as the tickets have it (ids and priorities are numbers)."""
    if key is None or dimension not in NUMERIC:
        return key
    return int(key)


def _day(moment):
    return timezone.localtime(moment).date() if moment is not None else None


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


class Rows(dict):
    """{(day, dimension, stored key): SupportDay} being counted."""

    def at(self, day, dimension, value):
        key = (day, dimension, stored_key(value))
        row = self.get(key)
        if row is None:
            row = self[key] = SupportDay(
                day=day, dimension=dimension, key=key[2], first_response={}, resolution={}
            )
        return row

    def each(self, day, values):
        return [self.at(day, dimension, value) for dimension, value in values]


def count(first, last, dimensions=None):
    """Rows for the days from `first` to `last` (every dimension, or those named)."""
    start, end = bounds(first, last)
    touching = (
        Q(created_at__gte=start, created_at__lt=end)
        | Q(resolved_at__gte=start, resolved_at__lt=end)
        | Q(first_response_at__gte=start, first_response_at__lt=end)
    )
    if dimensions is None:
        dimensions = [*TICKET_DIMENSIONS, "tag", "author"]
    wanted = {*dimensions, "all"}
    rows = Rows()
    tickets = Ticket.objects.filter(touching)
    tags = {}
    if "tag" in wanted:
        tags = _tags(tickets)
    columns = [c for d, c in TICKET_DIMENSIONS.items() if d in wanted]
    names = [d for d in TICKET_DIMENSIONS if d in wanted]
    fields = ("pk", "created_at", "first_response_at", "resolved_at", "first_response_seconds")
    fields += ("resolution_seconds", "response_breached", "resolution_breached")
    for (
        pk,
        opened,
        answered,
        solved,
        response,
        resolution,
        missed,
        late,
        *dims,
    ) in tickets.values_list(*fields, *columns).iterator(chunk_size=5000):
        values = [("all", None), *zip(names, dims, strict=True)]
        if "tag" in wanted:
            values += [("tag", name) for name in tags.get(pk) or [None]]
        if opened is not None and start <= opened < end:
            for row in rows.each(_day(opened), values):
                row.created += 1
        if answered is not None and start <= answered < end and response is not None:
            for row in rows.each(_day(answered), values):
                row.answered += 1
                buckets.add(row.first_response, response)
        if solved is not None and start <= solved < end:
            for row in rows.each(_day(solved), values):
                row.solved += 1
                row.response_met += not missed
                row.resolution_met += not late
                if resolution is not None:
                    buckets.add(row.resolution, resolution)
    _count_ratings(rows, start, end, wanted)
    if "author" in wanted:
        _count_replies(rows, start, end)
    return rows


def _tags(tickets):
    """{ticket id: [tag names]} of these tickets (a subquery, not a list of ids)."""
    found = defaultdict(list)
    through = Ticket.tags.through.objects.filter(ticket__in=tickets)
    for pk, name in through.values_list("ticket_id", "tag__name").iterator(chunk_size=5000):
        found[pk].append(name)
    return found


def _count_ratings(rows, start, end, wanted):
    ratings = SatisfactionRating.objects.filter(updated_at__gte=start, updated_at__lt=end)
    tags = _tags(Ticket.objects.filter(satisfaction__in=ratings)) if "tag" in wanted else {}
    names = [d for d in RATING_DIMENSIONS if d in wanted]
    columns = [RATING_DIMENSIONS[d] for d in names]
    for pk, updated, rating, *dims in ratings.values_list(
        "ticket_id", "updated_at", "rating", *columns
    ).iterator(chunk_size=5000):
        values = [("all", None), *zip(names, dims, strict=True)]
        if "tag" in wanted:
            values += [("tag", name) for name in tags.get(pk) or [None]]
        for row in rows.each(_day(updated), values):
            row.good += rating == "good"
            row.bad += rating == "bad"


def _count_replies(rows, start, end):
    replies = TicketMessage.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        author_kind=TicketMessage.Author.STAFF,
        is_internal=False,
    )
    per_day = (
        replies.annotate(_d=day_of("created_at"))
        .values_list("_d", "author_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, author, n in per_day:
        rows.at(day, "author", author).replies += n


def monday(day):
    return day - timedelta(days=day.weekday())


def _store(first, last):
    rows = count(first, last)
    SupportDay.objects.between(first, last).delete()
    SupportDay.objects.bulk_create(rows.values(), batch_size=2000)
    _store_weeks(first, last)
    return len(rows)


def _store_weeks(first, last):
    """Sum again, from the stored days, the weeks that hold the days `first` to `last`."""
    start, end = monday(first), monday(last)
    weeks = {}
    fields = ("day", "dimension", "key", *SupportDay.COUNTS, *SupportDay.TIMES)
    days = SupportDay.objects.between(start, end + timedelta(days=6)).values_list(*fields)
    for day, dimension, key, *values in days.iterator(chunk_size=5000):
        first = monday(day)
        week = weeks.get((first, dimension, key))
        if week is None:
            week = weeks[first, dimension, key] = SupportWeek(
                week=first, dimension=dimension, key=key, first_response={}, resolution={}
            )
        counts, times = values[: len(SupportDay.COUNTS)], values[len(SupportDay.COUNTS) :]
        for name, n in zip(SupportDay.COUNTS, counts, strict=True):
            setattr(week, name, getattr(week, name) + n)
        for name, found in zip(SupportDay.TIMES, times, strict=True):
            buckets.merge(getattr(week, name), found)
    SupportWeek.objects.filter(week__gte=start, week__lte=end).delete()
    SupportWeek.objects.bulk_create(weeks.values(), batch_size=2000)


def _store_backlog():
    """The unfinished tickets now, per value of each dimension of the reports."""
    unfinished = Ticket.objects.filter(status__in=UNFINISHED)
    rows = []
    for dimension, key in [("all", None), *TICKET_KEYS.items()]:
        counts = grouped(
            unfinished,
            key,
            backlog=Count("pk"),
            waiting=Count("pk", filter=Q(status__in=WAITING_ON_SUPPORT)),
        )
        rows += [
            SupportBacklog(dimension=dimension, key=stored_key(key and value), **found)
            for value, found in counts.items()
        ]
    SupportBacklog.objects.all().delete()
    SupportBacklog.objects.bulk_create(rows, batch_size=2000)


def _runs(days):
    """Sorted days as (first, last) runs of consecutive days."""
    runs = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return runs


def _snapshots(pks):
    """SupportDayTicket rows of these tickets, as they are now."""
    rated = dict(
        SatisfactionRating.objects.filter(ticket_id__in=pks).values_list("ticket_id", "updated_at")
    )
    return [
        SupportDayTicket(
            ticket_id=pk,
            created=_day(opened),
            answered=_day(answered),
            solved=_day(solved),
            rated=_day(rated.get(pk)),
        )
        for pk, opened, answered, solved in Ticket.objects.filter(pk__in=pks).values_list(
            "pk", "created_at", "first_response_at", "resolved_at"
        )
    ]


def _days_of(snapshots):
    return {
        day
        for s in snapshots
        for day in (s.created, s.answered, s.solved, s.rated)
        if day is not None
    }


def rebuild(*, now=None):
    """Count every day again, from the first ticket's to today, a month at a time (the
    reports meanwhile read each month as it was or as it is now); returns the days counted."""
    now = now or timezone.now()
    oldest = Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first()
    today = timezone.localdate(now)
    first = min(_day(oldest), today) if oldest else today
    SupportDay.objects.filter(day__lt=first).delete()
    SupportWeek.objects.filter(week__lt=monday(first)).delete()
    day = first
    while day <= today:
        last = min(day + timedelta(days=CHUNK_DAYS - 1), today)
        with transaction.atomic():
            _store(day, last)
        day = last + timedelta(days=1)
    with transaction.atomic():
        SupportDayTicket.objects.all().delete()
        pks = Ticket.objects.values_list("pk", flat=True).order_by("pk")
        for chunk in _chunks(pks.iterator(chunk_size=IN_CHUNK)):
            SupportDayTicket.objects.bulk_create(_snapshots(chunk), batch_size=IN_CHUNK)
        _store_backlog()
        SupportRollupMark.objects.all().delete()
        SupportRollupMark.objects.create(refreshed_at=now)
    return (today - first).days + 1


def refresh(*, now=None):
    """Count again the days touched since the last run (a rebuild the first time); returns
    the days counted."""
    now = now or timezone.now()
    mark = SupportRollupMark.objects.first()
    if mark is None:
        return rebuild(now=now)
    with transaction.atomic():
        mark = SupportRollupMark.objects.select_for_update().get(pk=mark.pk)
        since = mark.refreshed_at - OVERLAP
        changed = set(Ticket.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
        changed |= set(
            SatisfactionRating.objects.filter(updated_at__gte=since).values_list(
                "ticket_id", flat=True
            )
        )
        gone = list(SupportDayTicket.objects.exclude(ticket_id__in=Ticket.objects.values("pk")))
        days = _days_of(gone)
        fresh = []
        for chunk in _chunks(changed):
            days |= _days_of(SupportDayTicket.objects.filter(ticket_id__in=chunk))
            fresh += _snapshots(chunk)
        days |= _days_of(fresh)
        today = timezone.localdate(now)
        day = min(timezone.localdate(since), today)
        while day <= today:
            days.add(day)
            day += timedelta(days=1)
        for first, last in _runs(days):
            _store(first, last)
        for chunk in _chunks([*changed, *(g.ticket_id for g in gone)]):
            SupportDayTicket.objects.filter(ticket_id__in=chunk).delete()
        SupportDayTicket.objects.bulk_create(fresh, batch_size=IN_CHUNK)
        _store_backlog()
        mark.refreshed_at = now
        mark.save(update_fields=["refreshed_at"])
    return len(days)


def counted_until():
    """The last day the stored rows are up to date for, as of the clock's last run (None: no
    rows): the days after it, if the clock has stopped, are counted from the tickets."""
    mark = SupportRollupMark.objects.first()
    if mark is None:
        return None
    return timezone.localdate(mark.refreshed_at)
