"""What search announces: a search someone sent and a result they opened. Search itself keeps
no log; the apps that count (insights: content gaps and the dashboard) listen.

Each signal carries the request, so a listener can tell a person's browser from a crawler
and replay its counting when the page cache answers the same request again.
"""

from django.dispatch import Signal

# request; query: the normalized words; total: how many results; tag: the tag filter or None.
searched = Signal()
# request; query: the words whose result was opened.
result_opened = Signal()
# What the index holds changed (for what keeps its own data beside it: answers' passages).
# document: the SearchDocument written; obj: the content row it was written from.
document_indexed = Signal()
# The whole index was made again (documents have new ids).
index_rebuilt = Signal()
# /search/ is about to show `results` for `query` (request, results, query, page): a receiver
# may return {"template": ..., **context} to show above the results (answers' answer card).
results_page = Signal()


def announce_search(request, *, query, total, tag=None):
    searched.send(sender=None, request=request, query=query, total=total, tag=tag)


def announce_open(request, *, query):
    result_opened.send(sender=None, request=request, query=query)
