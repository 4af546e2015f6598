"""Passages follow the search index: written in the same transaction as their document
(search.events), so a saved guide's answers change with its search results."""

from django.dispatch import receiver

from answers import index
from answers.events import announce_answer
from answers.services import answer
from search.events import document_indexed, index_rebuilt, results_page


@receiver(document_indexed)
def document_written(sender, *, document, obj, **kwargs):
    index.index_document(document, obj)


@receiver(index_rebuilt)
def index_made_again(sender, **kwargs):
    index.rebuild()


@receiver(results_page)
def answer_above_results(sender, *, request, results, query, page, **kwargs):
    """/search/ shows the answer above its first page of results (server-rendered: it works
    without JavaScript)."""
    if results.is_browse or page != 1:
        return None
    reply = answer(query)
    if reply.attempted:
        announce_answer(request, reply=reply, search_total=results.own_total)
    return {"template": "answers/_answer.html", "reply": reply}
