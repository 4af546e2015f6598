"""What answers announce: a question someone sent and whether it was answered. Answers keeps
no log; insights counts (answered vs refused, the refused questions as content gaps)."""

from django.dispatch import Signal

# request; query: the words asked; answered: bool; citation: the first citation's URL;
# search_total: what the search of the same words found (a search that found nothing is a
# content gap already).
answered = Signal()


def announce_answer(request, *, reply, search_total):
    """A question someone sent (not each keystroke) was answered, or refused."""
    found = reply.answer
    answered.send(
        sender=None,
        request=request,
        query=reply.query,
        answered=found is not None,
        citation=found.citations[0].url if found else "",
        search_total=search_total,
    )
