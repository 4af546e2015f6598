"""Each event updates its day's totals as it is stored (no batch job needed for the dashboard
to be current); `rebuild` recomputes the totals from the events (after importing events, or to
check them)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from insights.models import SearchDay, SearchEvent, SearchTextDay

OPEN_WINDOW = timedelta(minutes=30)  # a result opened belongs to a search this recent
TICKET_WINDOW = timedelta(hours=2)  # a ticket sent belongs to a search this recent


def normalize(text):
    """As search logs its words: lower case, single spaces, 200 characters."""
    return " ".join((text or "").replace("\x00", " ").lower()[:200].split())


def record_search(*, text, total, now=None):
    now = now or timezone.now()
    text = normalize(text)
    if not text:
        return None
    with transaction.atomic():
        event = SearchEvent.objects.create(
            created_at=now, day=timezone.localdate(now), text=text, results=total
        )
        _add(event, searches=1, found=int(total > 0))
    return event


def record_open(*, text, now=None):
    """A result opened: marks the latest unopened search of these words, or, for a live
    search (logged only when a result is opened), stores it as a search."""
    now = now or timezone.now()
    text = normalize(text)
    if not text:
        return None
    with transaction.atomic():
        event = (
            SearchEvent.objects.select_for_update()
            .latest_unopened(text, since=now - OPEN_WINDOW, until=now)
            .first()
        )
        if event is None:
            event = SearchEvent.objects.create(
                created_at=now, day=timezone.localdate(now), text=text, results=None, opened=True
            )
            _add(event, searches=1, found=1, opened=1)
        else:
            SearchEvent.objects.filter(pk=event.pk).update(opened=True)
            _add(event, opened=1)
    return event


def record_ticket(*, search_query, now=None):
    """A ticket sent from the search page's link: marks the latest search of those words."""
    now = now or timezone.now()
    text = normalize(search_query)
    if not text:
        return None
    with transaction.atomic():
        event = (
            SearchEvent.objects.select_for_update()
            .latest_without_ticket(text, since=now - TICKET_WINDOW, until=now)
            .first()
        )
        if event is not None:
            SearchEvent.objects.filter(pk=event.pk).update(ticket_followed=True)
            _add(event, ticket_followed=1)
    return event


def _add(event, **counts):
    increments = {name: F(name) + n for name, n in counts.items()}
    for model, key in (
        (SearchDay, {"day": event.day}),
        (SearchTextDay, {"day": event.day, "text": event.text}),
    ):
        if model.objects.filter(**key).update(**increments):
            continue
        try:
            with transaction.atomic():  # a savepoint: another request may create it first
                model.objects.create(**key, **counts)
        except IntegrityError:
            model.objects.filter(**key).update(**increments)


COUNTS = {
    "searches": Count("pk"),
    "found": Count("pk", filter=Q(results__isnull=True) | Q(results__gt=0)),  # as with_outcome
    "opened": Count("pk", filter=Q(opened=True)),
    "ticket_followed": Count("pk", filter=Q(ticket_followed=True)),
}
BATCH = 2000


def rebuild(first=None, last=None):
    """Recompute the daily totals of days `first` to `last` (default: every day with events)
    from the events. Days before the oldest event kept (see `prune`) keep their totals.
    Returns the number of days rebuilt."""
    span = SearchEvent.objects.order_by().aggregate(first=Min("day"), last=Max("day"))
    if span["first"] is None:
        return 0
    first = max(first or span["first"], span["first"])
    last = last or span["last"]
    day, days = first, 0
    while day <= last:
        with transaction.atomic():
            _rebuild_day(day)
        day += timedelta(days=1)
        days += 1
    return days


def prune(*, keep_days, now=None):
    """Delete the events older than `keep_days` days; their daily totals stay. Returns how many
    were deleted."""
    oldest_kept = timezone.localdate(now or timezone.now()) - timedelta(days=keep_days)
    deleted, _ = SearchEvent.objects.filter(day__lt=oldest_kept).delete()
    return deleted


def _rebuild_day(day):
    events = SearchEvent.objects.filter(day=day).order_by()
    SearchDay.objects.filter(day=day).delete()
    SearchTextDay.objects.filter(day=day).delete()
    totals = events.aggregate(**COUNTS)
    if totals["searches"]:
        SearchDay.objects.create(day=day, **totals)
    rows = (SearchTextDay(day=day, **row) for row in events.values("text").annotate(**COUNTS))
    SearchTextDay.objects.bulk_create(rows, batch_size=BATCH)
