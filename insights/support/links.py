"""Where each number of the support reports leads: the admin's ticket list (or the
satisfaction ratings) filtered to exactly what it counts. A number with no such filter (the
organization or tag "none", satisfaction by channel) is shown without a link.

The ticket list's filters are its own (tickets.admin.filters) and the lookups it declares for
these links (TicketAdmin.link_lookups); the status is always given, as the list shows only
unfinished tickets otherwise.
"""

from urllib.parse import urlencode

from django.urls import reverse

from insights.support.figures import Urls


def _dimension(by, value):
    """The ticket list's parameters for one value of a dimension, or None (no filter)."""
    if by is None:
        return {}
    if by == "channel":
        return {"channel": value}
    if by == "category":
        return {"category__exact": value}
    if by == "group":
        return {"group": value if value is not None else "none"}
    if by == "agent":
        return {"assigned": value if value is not None else "unassigned"}
    if by == "organization":
        return {"organization": value} if value is not None else None
    if by == "tag":
        return {"tag": value} if value is not None else None
    return None


def _rating_dimension(by, value):
    if by is None:
        return {}
    if by == "agent":
        return {"agent__id__exact": value} if value is not None else {"agent__isnull": "True"}
    if by == "category":
        return {"category__exact": value or ""}
    return None


class Links:
    def __init__(self, period):
        self.tickets = reverse("admin:tickets_ticket_changelist")
        self.ratings = reverse("admin:tickets_satisfactionrating_changelist")
        self.first, self.last = period.first.isoformat(), period.last.isoformat()

    def _url(self, base, params):
        return f"{base}?{urlencode(params)}"

    def _between(self, column, first=None, last=None):
        return {
            f"{column}__date__gte": first or self.first,
            f"{column}__date__lte": last or self.last,
        }

    def figures(self, figures, by=None):
        """The links of one row of figures (the period's, or one value's of `by`)."""
        where = _dimension(by, figures.key if by else None)
        urls = {}
        if where is not None:
            tickets = lambda **p: self._url(self.tickets, {**p, **where})  # noqa: E731
            urls["created"] = tickets(status__exact="all", **self._between("created_at"))
            solved = {"status__exact": "all", **self._between("resolved_at")}
            urls["solved"] = tickets(**solved)
            urls["response_met"] = tickets(**solved, response_breached="0")
            urls["resolution_met"] = tickets(**solved, resolution_breached="0")
            urls["backlog"] = tickets(status__exact="unfinished")
            urls["waiting"] = tickets(status__exact="waiting")
            urls["answered"] = tickets(status__exact="all", **self._between("first_response_at"))
        rated = _rating_dimension(by, figures.key if by else None)
        if rated is not None:
            period = self._between("updated_at")
            urls["good"] = self._url(self.ratings, {**period, **rated, "rating__exact": "good"})
            urls["ratings"] = self._url(self.ratings, {**period, **rated})
        figures.urls = Urls(urls)

    def day(self, day):
        on = day.day.isoformat()
        day.urls = {
            "created": self._url(
                self.tickets, {"status__exact": "all", **self._between("created_at", on, on)}
            ),
            "solved": self._url(
                self.tickets, {"status__exact": "all", **self._between("resolved_at", on, on)}
            ),
        }

    def age(self, age, today):
        from datetime import timedelta

        params = {"status__exact": "unfinished"}
        params["created_at__date__lte"] = (today - timedelta(days=age.fewest)).isoformat()
        if age.most is not None:
            params["created_at__date__gte"] = (today - timedelta(days=age.most)).isoformat()
        age.url = self._url(self.tickets, params)

    def service_level(self, priority, missed):
        """Tickets of one priority solved in the period that missed the target `missed`
        ("response_breached" or "resolution_breached"), or all of them (None)."""
        params = {"status__exact": "all", "priority__exact": priority}
        params.update(self._between("resolved_at"))
        if missed:
            params[missed] = "1"
        return self._url(self.tickets, params)
