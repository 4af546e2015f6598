"""The period's top lists, fast over a year of data.

Summing a 90-day period's text-day rows (over 100,000 with a million searches a year) on
every render is the slow part of the page. Only the last LIVE_DAYS days can still change (an
open credits a search of the last 30 minutes, a ticket one of the last 2 hours), so the sums
over the settled days are kept in the cache, CANDIDATES of them, and the live days' rows are
added on each render. The result is exact: a text outside both can have at most the smallest
kept sum, and when that could tie with the list's last place the whole period is summed.
The cache key carries the settled days' totals, so `manage.py insights rebuild` (another
process) retires it.
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


def _ranked(rows, measure, limit=None, *, positive=True):
    """[(text, measure, searches)] best first: by the measure, then searches, then text."""
    ordered = rows.values("text").annotate(value=MEASURES[measure], total=Sum("searches"))
    if positive:
        ordered = ordered.filter(value__gt=0)
    ordered = ordered.order_by("-value", "-total", "text")
    return [
        (row["text"], row["value"], row["total"]) for row in (ordered[:limit] if limit else ordered)
    ]


def top(period, measure, *, days, limit):
    """The `limit` texts with the highest `measure` in `period`, as dicts with `text`,
    `measure` and `total` (searches). `days`: the period's Day rows (insights.report), for
    the cache key."""
    rows = SearchTextDay.objects.filter(day__gte=period.first, day__lte=period.last)
    settled_last = period.last - timedelta(days=LIVE_DAYS)
    if settled_last < period.first:
        return _as_dicts(_ranked(rows, measure, limit), measure)
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
    floor = 0 if complete else past[-1][1]

    sums = {text: [value, total] for text, value, total in past}
    live = _ranked(rows.filter(day__gt=settled_last), measure, positive=False)
    unknown = []
    for text, value, total in live:
        if text in sums:
            sums[text][0] += value
            sums[text][1] += total
        else:
            unknown.append((text, value, total))
    if unknown:
        # Their settled sums (at most `floor`) and searches: fetched for those that could
        # make the list.
        cut = _cut(sums, limit)
        reach = [u for u in unknown if u[1] > 0 and (cut is None or u[1] + floor >= cut)]
        exact = {t: (v, n) for t, v, n in _settled_sums(settled, measure, [u[0] for u in reach])}
        for text, value, total in reach:
            before = exact.get(text, (0, 0))
            sums[text] = [value + before[0], total + before[1]]
    ranking = sorted(sums.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    ranking = [(t, v, n) for t, (v, n) in ranking if v > 0]
    if not complete and (len(ranking) < limit or ranking[limit - 1][1] <= floor):
        # A text in neither list could make (or tie with) the last place: sum the period.
        return _as_dicts(_ranked(rows, measure, limit), measure)
    return _as_dicts(ranking[:limit], measure)


def _cut(sums, limit):
    values = sorted((v for v, _ in sums.values()), reverse=True)
    return values[limit - 1] if len(values) >= limit else None


def _settled_sums(settled, measure, texts):
    if not texts:
        return []
    return [
        (row["text"], row["value"], row["total"])
        for row in settled.filter(text__in=texts)
        .values("text")
        .annotate(value=MEASURES[measure], total=Sum("searches"))
    ]


def _as_dicts(rows, measure):
    return [{"text": text, measure: value, "total": total} for text, value, total in rows]
