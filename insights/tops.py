"""The period's top lists, fast over a year of data.

Summing a 90-day period's text-day rows (over 100,000 with a million searches a year) on
every render is the slow part of the page. Only the last LIVE_DAYS days can still change (an
open credits a search of the last 30 minutes, a ticket one of the last 2 hours), so the sums
over the settled days are kept in the cache, the best CANDIDATES of them, and the live days'
sums are added on each render. The result is exact: a text in neither can have at most the
smallest kept sum, and when that could reach the list's last place the whole period is summed.
The cache key carries the settled days' totals, so `manage.py insights rebuild` (another
process) retires it. Ranked by the measure, then by the words (alphabetical).
"""

import hashlib
from datetime import timedelta

from django.core.cache import cache
from django.db.models import F, Sum

from insights.models import SearchTextDay

LIVE_DAYS = 2  # today and yesterday
CANDIDATES = 200
CACHE_SECONDS = 26 * 3600

# name: what is ranked
MEASURES = {
    "unopened": Sum(F("found") - F("opened")),  # found something, nothing opened
    "nothing": Sum(F("searches") - F("found")),  # found nothing
}


def _ranked(rows, measure, limit=None):
    """[(text, sum of the measure)] above 0, best first."""
    ranked = (
        rows.values("text")
        .annotate(value=MEASURES[measure])
        .filter(value__gt=0)
        .order_by("-value", "text")
        .values_list("text", "value")
    )
    return list(ranked[:limit] if limit else ranked)


def top(period, measure, *, days, limit):
    """The `limit` texts with the highest `measure` in `period`, as dicts with `text`,
    `measure` and `total` (searches in the period). `days`: the period's Day rows
    (insights.report), for the cache key."""
    rows = SearchTextDay.objects.filter(day__gte=period.first, day__lte=period.last)
    return _with_totals(rows, _top(rows, period, measure, days, limit), measure)


def _top(rows, period, measure, days, limit):
    settled_last = period.last - timedelta(days=LIVE_DAYS)
    if settled_last < period.first:
        return _ranked(rows, measure, limit)
    settled = rows.filter(day__lte=settled_last)
    fingerprint = [
        (d.searches, d.found, d.opened, d.ticket_followed) for d in days if d.day <= settled_last
    ]
    digest = hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:16]
    key = f"insights:top:{measure}:{period.first}:{settled_last}:{digest}"
    past = cache.get(key)
    if past is None:
        past = _ranked(settled, measure, CANDIDATES)
        cache.set(key, past, CACHE_SECONDS)
    complete = len(past) < CANDIDATES  # every text with a sum above 0 is in `past`
    floor = 0 if complete else past[-1][1]  # what a text outside `past` has at most

    sums = dict(past)
    unknown = []
    for text, value in _ranked(rows.filter(day__gt=settled_last), measure):
        if text in sums:
            sums[text] += value
        elif complete:
            sums[text] = value
        else:
            unknown.append((text, value))
    if unknown:
        # Their settled sums (at most `floor`), for those that could make the list.
        cut = _cut(sums, limit)
        reach = [(t, v) for t, v in unknown if cut is None or v + floor >= cut]
        before = dict(_ranked(settled.filter(text__in=[t for t, _ in reach]), measure))
        for text, value in reach:
            sums[text] = value + before.get(text, 0)
    ranking = sorted(sums.items(), key=lambda item: (-item[1], item[0]))
    if not complete and (len(ranking) < limit or ranking[limit - 1][1] <= floor):
        # A text in neither could reach (or tie with) the last place: sum the period.
        return _ranked(rows, measure, limit)
    return ranking[:limit]


def _cut(sums, limit):
    values = sorted(sums.values(), reverse=True)
    return values[limit - 1] if len(values) >= limit else None


def _with_totals(rows, ranking, measure):
    texts = [text for text, _ in ranking]
    totals = dict(
        rows.filter(text__in=texts)
        .values("text")
        .annotate(n=Sum("searches"))
        .values_list("text", "n")
        if texts
        else []
    )
    return [{"text": t, measure: v, "total": totals.get(t, 0)} for t, v in ranking]
