"""Hybrid retrieval of passages: the search engine's lexical ranking (SQLite FTS5 or
PostgreSQL full text, whichever is in use) and the nearest passage vectors, fused by
reciprocal rank (Cormack, Clarke and Büttcher, 2009: each list adds 1 / (K + rank))."""

import math
from dataclasses import dataclass, field

import numpy as np

from answers import acronyms
from answers.embedding import embedder
from answers.index import VectorIndex
from answers.models import Passage
from answers.words import FRAMING
from search import engine
from search.query import ParsedQuery, Vocabulary, parse
from search.services import Marker
from search.words import WORD_RE

FRAMING_WEIGHT = 0.25
# A word of the question found in a passage through a word of similar meaning (cosine of
# their static vectors): from WORD_NEAR it starts to count, fully from WORD_SAME.
WORD_NEAR, WORD_SAME = 0.45, 0.75

# k = 60 is Cormack et al.'s, for lists of a thousand documents; these lists are of tens of
# passages, where a smaller k lets the first places of either list count for more (tuning
# split, docs/developers/answers.md: k = 5, 10, 15, 20, 30, 40, 60 read 97, 98, 99, 99, 97,
# 97, 97 of 120).
RRF_K = 20
LEXICAL_DOCUMENTS = 15  # documents the engine ranks; their passages are then ranked
SEMANTIC_PASSAGES = 30
CANDIDATES = 8  # fused passages handed to the answer


@dataclass
class Term:
    """A word of the question, with what finds it in a text and how much it weighs."""

    word: str
    marker: Marker
    weight: float


@dataclass
class Question:
    text: str
    parsed: ParsedQuery
    terms: list
    vector: object  # the question's unit vector

    @property
    def weight(self):
        return sum(t.weight for t in self.terms)


@dataclass
class Candidate:
    passage: Passage
    rrf: float = 0.0
    lexical_rank: int | None = None
    semantic_rank: int | None = None
    cosine: float = 0.0
    lexical: float = 0.0  # share of the question's weight its words found here
    support: float | None = None  # the same, words of similar meaning counting in part
    # (answers.extract.support computes it for the candidates it reads: it costs the most)
    extra: dict = field(default_factory=dict)


def question(text):
    vocabulary = Vocabulary.current()
    parsed = acronyms.expand(text, parse(text, as_you_type=False), vocabulary)
    total = max(sum(vocabulary.counts.values()), 1)
    terms = []
    for term in parsed.terms:
        marker = Marker(ParsedQuery(text="", terms=[term]))
        if marker.pattern is None:
            continue
        count = max((vocabulary.counts.get(w, 0) for w in term.alternatives), default=0)
        weight = math.log(1 + total / (1 + count))
        if term.word in FRAMING:
            weight *= FRAMING_WEIGHT
        terms.append(Term(term.word, marker, weight))
    for code in parsed.codes:
        marker = Marker(ParsedQuery(text="", codes=[code]))
        terms.append(Term(code, marker, math.log(1 + total)))
    vector = embedder().embed([text])[0]
    return Question(text=text, parsed=parsed, terms=terms, vector=vector)


_word_vectors = {}


def word_vectors(words):
    """{word: unit vector} from the static embedder (cached per process); {} when the
    embedder in use has no cheap word vectors (an endpoint)."""
    model = embedder()
    if not hasattr(model, "token_ids"):
        return {}
    missing = [w for w in dict.fromkeys(words) if w not in _word_vectors]
    if missing:
        if len(_word_vectors) > 50_000:
            _word_vectors.clear()
        _word_vectors.update(zip(missing, model.embed(missing), strict=True))
    return {w: _word_vectors[w] for w in words}


def coverage(q, text):
    """How much of the question (by weight) `text` covers (0 to 1): each word found as it
    is (with its inflections, synonyms and corrections), or, partly, through a word of
    similar meaning."""
    if not q.terms:
        return 0.0
    found = {t.word: 1.0 for t in q.terms if t.marker.first_match(text) != -1}
    missing = [t for t in q.terms if t.word not in found]
    if missing:
        words = [w for w in set(WORD_RE.findall(text.lower())) if len(w) > 2]
        vectors = word_vectors([t.word for t in missing] + words)
        if words and vectors:
            matrix = np.stack([vectors[w] for w in words])
            for term in missing:
                best = float(np.max(matrix @ vectors[term.word]))
                found[term.word] = min(max((best - WORD_NEAR) / (WORD_SAME - WORD_NEAR), 0), 1)
    return sum(t.weight * found.get(t.word, 0.0) for t in q.terms) / q.weight


def lexical_share(q, text):
    """The share of the question's weight whose words `text` holds (0 to 1)."""
    if not q.terms:
        return 0.0
    return sum(t.weight for t in q.terms if t.marker.first_match(text) != -1) / q.weight


def retrieve(q, *, limit=CANDIDATES):
    """The best `limit` passages for the question, as Candidates, best first. Passages are
    ranked from their plain columns; only the `limit` fused best become model instances."""
    lexical = {}  # passage id: rank
    if not q.parsed.is_empty:
        found, _ = engine.run(q.parsed, limit=LEXICAL_DOCUMENTS, match_any=True)
        doc_rank = {doc.id: n for n, doc in enumerate(found)}
        rows = Passage.objects.of_documents(doc_rank).values_list(
            "pk", "document_id", "position", "document__title", "heading", "text"
        )
        scored = []
        for pk, document, position, title, heading, text in rows:
            share = lexical_share(q, f"{title} {heading} {text}")
            if share:
                scored.append((-share, doc_rank[document], position, pk))
        scored.sort()
        lexical = {row[3]: rank for rank, row in enumerate(scored)}
    nearest = VectorIndex.current().nearest(q.vector, SEMANTIC_PASSAGES)
    semantic = {pk: (rank, cosine) for rank, (pk, cosine) in enumerate(nearest)}
    rrf = dict.fromkeys([*lexical, *semantic], 0.0)
    for pk in rrf:
        for rank in (lexical.get(pk), semantic.get(pk, (None,))[0]):
            if rank is not None:
                rrf[pk] += 1 / (RRF_K + rank + 1)
    best = sorted(rrf, key=lambda pk: -rrf[pk])[: 2 * limit]  # a few spare: the matrix
    passages = Passage.objects.select_related("document").in_bulk(best)  # may be behind
    name = embedder().name
    ranked = []
    for pk in [pk for pk in best if pk in passages][:limit]:
        p = passages[pk]
        rank, cosine = semantic.get(pk, (None, None))
        if cosine is None:
            cosine = float(p.as_array() @ q.vector) if p.embedder == name else 0.0
        context = f"{p.document.title} {p.heading} {p.text}"
        ranked.append(
            Candidate(
                p,
                rrf=rrf[pk],
                lexical_rank=lexical.get(pk),
                semantic_rank=rank,
                cosine=cosine,
                lexical=lexical_share(q, context),
            )
        )
    return ranked
