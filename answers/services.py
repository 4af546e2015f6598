"""The one answer function: the home search, /search/, the ticket form and the JSON API all
call `answer()`."""

import logging
import re
from dataclasses import dataclass

from django.conf import settings

from answers import extract, generative, retrieval
from core.content import indexed_kinds
from search.words import WORD_RE
from status.state import IncidentSummary, incident_notices_for

log = logging.getLogger(__name__)

QUESTION_WORDS = frozenset(
    [
        "how",
        "what",
        "why",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "can",
        "could",
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "am",
        "i",
        "my",
        "we",
        "our",
    ]
)
MAX_QUESTION = 200


@dataclass
class Reply:
    query: str  # the question as asked (normalized whitespace)
    attempted: bool = False  # a question an answer was looked for (not a bare keyword)
    answer: extract.Answer | None = None
    incident: IncidentSummary | None = None  # an open incident linked to a cited page
    candidates: list | None = None  # what retrieval found (evaluation and bench)

    @property
    def refused(self):
        return self.attempted and self.answer is None


def looks_like_a_question(text, q):
    """A question or several words: a single keyword ("billing") gets results, no answer."""
    words = WORD_RE.findall(text.lower())
    if not words:
        return False
    if text.rstrip().endswith("?") or words[0] in QUESTION_WORDS:
        return bool(q.terms)
    return len(q.terms) >= 2 or bool(q.parsed.codes)


def answer(text, *, generate=None):
    """The answer to `text` (a Reply). `generate`: use the generative mode (default: when
    ANSWERS_CHAT_URL is set)."""
    text = " ".join((text or "").replace("\x00", " ").split())[:MAX_QUESTION]
    reply = Reply(query=text)
    if not text:
        return reply
    q = retrieval.question(text)
    if not looks_like_a_question(text, q):
        return reply
    reply.attempted = True
    candidates = retrieval.retrieve(q)
    reply.candidates = candidates
    found = extract.extract(q, candidates)
    if found is not None and (
        generate if generate is not None else bool(settings.ANSWERS_CHAT_URL)
    ):
        found = generative.rewrite(q, candidates, fallback=found)
    reply.answer = found
    if found is not None:
        reply.incident = incident_for(found)
    return reply


def incident_for(found) -> IncidentSummary | None:
    """The open incident linked to a page the answer cites, if any."""
    kinds = indexed_kinds()
    for citation in found.citations:
        model = kinds.get(citation.kind)
        notices = incident_notices_for(model, citation.object_id) if model else []
        if notices:
            return notices[0]
    return None


def plain_words(text):
    return re.sub(r"\s+", " ", text).strip()
