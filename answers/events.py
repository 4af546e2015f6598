"""What answers announce: a question someone sent and whether it was answered. Answers keeps
no log; insights counts (answered vs refused, the refused questions as content gaps)."""

from django.dispatch import Signal

# request; query: the words asked; answered: bool; citation: the first citation's URL.
answered = Signal()


def announce_answer(request, *, reply):
    """A question someone sent (not each keystroke) was answered, or refused."""
    found = reply.answer
    answered.send(
        sender=None,
        request=request,
        query=reply.query,
        answered=found is not None,
        citation=found.citations[0].url if found else "",
    )
