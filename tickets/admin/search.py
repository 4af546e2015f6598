"""The queue's search box, in the admin: tickets.fulltext finds and ranks, this orders the
list by rank (unless the agent sorts by a column) and puts a marked snippet under each row."""

from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import F
from django.db.models.sql.where import WhereNode

from tickets import fulltext, queueviews
from tickets.models.ticket import triage_keys


class SearchChangeList(ChangeList):
    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Each row's links carry the list's filters (the ticket page's "Back to the queue"
        # and next ticket keep them). The admin adds them link by link, resolving the link's
        # URL each time to see whether it is the list's own (two links a row: ~10 ms a page
        # of 50); a row's link is never the list, so they are added here once.
        self.row_filters, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result):
        url = super().url_for_result(result)
        return f"{url}?{self.row_filters}" if self.row_filters else url

    def get_results(self, request):
        super().get_results(request)
        if self.query:
            fulltext.add_snippets(self.query, self.result_list)


class SearchRows:
    """A search's rows as Django's paginator reads them: counted by the ranking (up to
    fulltext.CANDIDATES, then "2,000+"), and a slice within the ranked ids read by its ids
    alone. The list's order puts them first, in rank order, so it is the same slice,
    without ordering every match by rank to keep 50 (a word in every ticket at 100,000
    tickets: 575 ms, bench-queue). Slices beyond the ranked ids, or when sorted by a column
    (no ranked ids), are the list's."""

    def __init__(self, queryset, ranked, count):
        self.queryset, self.ranked, self._count = queryset, ranked, count
        self.ordered = queryset.ordered

    def count(self):
        return self._count

    def __getitem__(self, rows):
        if rows.stop is not None and rows.stop <= len(self.ranked):
            return self._by_ids(self.ranked[rows])
        return self.queryset[rows]

    def _by_ids(self, ids):
        """The rows of these ids as the list reads them (its columns, related rows,
        annotations and order) without its conditions: the ranked ids were found within
        them (fulltext.rank within the list's filters), and matching the search again
        to keep 50 known ids was most of the page's query (a phrase in 1,000 tickets: the
        1,000 matches hashed, 6 of its 7.5 ms)."""
        page = self.queryset.all()
        page.query.where = WhereNode()
        return page.filter(pk__in=ids)


class QueueSearch:
    """ModelAdmin methods of the ticket queue's search."""

    def get_changelist(self, request, **kwargs):
        return SearchChangeList

    def get_search_results(self, request, queryset, search_term):
        # The same search as saved views and their counts (tickets.queueviews.search_q),
        # the best matches within the list's filters first.
        query = fulltext.parse_query(search_term)
        if query.is_empty:
            return queryset, False
        ranking = fulltext.rank(query, within=queryset.filter(fulltext.operators_q(query)))
        if query.has_text:
            request.queue_ranking = ranking  # for the paginator (get_paginator)
        queryset = queryset.filter(queueviews.search_q(search_term))
        return queryset.annotate(search_rank=fulltext.rank_annotation(ranking.ids)), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        ranking = getattr(request, "queue_ranking", None)
        if ranking is not None:  # a full-text search (sorted by a column: not rank order)
            ranked = [] if ORDER_VAR in request.GET else ranking.ids
            queryset = SearchRows(queryset, ranked, ranking.count)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    def get_ordering(self, request):
        # Waiting on support first, the first due by SLA first (TicketQuerySet.triage_order);
        # a search's best matches before.
        ordering = [F("stage").asc(), *triage_keys()]
        if not fulltext.parse_query(request.GET.get("q", "")).is_empty:
            ordering.insert(0, F("search_rank").asc(nulls_last=True))
        return ordering
