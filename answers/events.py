"""What answers announce: a question someone sent and whether it was answered. Answers keeps
no log; insights counts (answered vs refused, the refused questions as content gaps)."""

from django.dispatch import Signal

# request; query: the normalized words; answered: bool; citation: the first citation's URL.
answered = Signal()


def announce_answer(request, *, query, answered_, citation=""):
    answered.send(sender=None, request=request, query=query, answered=answered_, citation=citation)
