"""Where each number on the dashboard leads: the admin list that holds what it counts."""

import functools
from urllib.parse import urlencode

from django.urls import reverse


def _url(name, params):
    return f"{reverse(name)}?{urlencode(params)}"


def _events(first, last, *, base=None, **filters):
    """The search events list (insights.admin.SearchEventAdmin) for days `first` to `last`.
    `base`: the list's address, when the caller makes many links."""
    params = {"day__gte": first.isoformat(), "day__lte": last.isoformat(), **filters}
    return f"{base or reverse('admin:insights_searchevent_changelist')}?{urlencode(params)}"


def content_gaps(text):
    return _url("admin:insights_searchquery_changelist", {"q": text})


def suggestions_opened(period):
    return _url(
        "admin:tickets_suggestionopen_changelist",
        {"created_at__date__gte": period.first.isoformat()},
    )


def feedback(period, score):
    return _url(
        "admin:kb_feedback_changelist",
        {
            "content_type__id__exact": score.content_type_id,
            "object_id": score.object_id,
            "updated_at__date__gte": period.first.isoformat(),
        },
    )


def decorate(report, deflection, scores):
    """Adds `url`s to the report's rows for the template."""
    period = report.period
    first, last = period.first, period.last
    events = functools.partial(_events, base=reverse("admin:insights_searchevent_changelist"))
    totals = report.totals
    totals.urls = {
        "searches": events(first, last),
        "zero": events(first, last, outcome="nothing"),
        "opened": events(first, last, outcome="opened"),
        "found": events(first, last, outcome="found"),
        "ticket": events(first, last, outcome="ticket"),
    }
    for day in report.days:
        day.urls = {
            "searches": events(day.day, day.day),
            "zero": events(day.day, day.day, outcome="nothing"),
            "opened": events(day.day, day.day, outcome="opened"),
            "ticket": events(day.day, day.day, outcome="ticket"),
        }
    for row in report.unclicked:
        row["url"] = events(first, last, text=row["text"], outcome="unopened")
        row["searches_url"] = events(first, last, text=row["text"])
    for row in report.gaps:
        row["url"] = events(first, last, text=row["text"], outcome="nothing")
        row["gaps_url"] = content_gaps(row["text"])
    deflection["url"] = suggestions_opened(period)
    for score in scores:
        score.feedback_url = feedback(period, score)
