"""Hybrid retrieval of passages: the search engine's lexical ranking (SQLite FTS5 or
PostgreSQL full text, whichever is in use) and the nearest passage vectors, fused by
reciprocal rank (Cormack, Clarke and Büttcher, 2009: each list adds 1 / (K + rank))."""

import math
from dataclasses import dataclass, field

import numpy as np

from answers.embedding import embedder
from answers.index import VectorIndex
from answers.models import Passage
from search import engine
from search.query import ParsedQuery, Vocabulary, parse
from search.services import Marker
from search.words import WORD_RE

# English function words the search's stop words leave in (prepositions, adverbs, pronouns,
# auxiliaries, light verbs): rare in the content's vocabulary, they would otherwise weigh
# as much as "paypal" ("am", "up", "about", "after").
FUNCTION_WORDS = """about above across after against along among around before behind below beside
    between beyond during except inside onto out outside over past since through throughout
    toward towards under until up upon via within without again already always ever never
    now once only just later instead maybe perhaps quite rather really very yet anyway even
    almost enough am been being both each every few more most other others own same some
    such any all none nor not no neither either another whatever whenever whether while
    someone somebody anyone anybody everyone everything nothing he she him her his hers
    himself herself itself myself ourselves yourself yourselves themselves those mine yours
    ours theirs let lets having may might must shall ought did done getting keep keeps
    kept give gives gave given take takes took put come comes came seem seems"""
# Words that frame a question rather than name what it is about: they weigh little in how
# much of a question a passage covers ("how long does the lockout last": the lockout).
FRAMING = frozenset(
    [
        "long",
        "many",
        "much",
        "often",
        "soon",
        "happen",
        "happens",
        "happened",
        "mean",
        "means",
        "need",
        "needs",
        "use",
        "used",
        "using",
        "get",
        "gets",
        "got",
        "work",
        "works",
        "way",
        "possible",
        "tell",
        "know",
        "say",
        "says",
        "see",
        "make",
        "go",
        "want",
        "help",
        "able",
        "still",
        "also",
        "one",
        "first",
        "new",
        "anything",
        "something",
        "thing",
        "things",
        "there",
        "here",
        "else",
        "exactly",
    ]
) | frozenset(FUNCTION_WORDS.split())
FRAMING_WEIGHT = 0.25
# A word of the question found in a passage through a word of similar meaning (cosine of
# their static vectors): from WORD_NEAR it starts to count, fully from WORD_SAME.
WORD_NEAR, WORD_SAME = 0.45, 0.75

RRF_K = 60
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
    support: float = 0.0  # the same, words of similar meaning counting in part
    extra: dict = field(default_factory=dict)


def question(text):
    parsed = parse(text, as_you_type=False)
    vocabulary = Vocabulary.current()
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
    """The best `limit` passages for the question, as Candidates, best first."""
    candidates = {}
    if not q.parsed.is_empty:
        found, _ = engine.run(q.parsed, limit=LEXICAL_DOCUMENTS, match_any=True)
        doc_rank = {doc.id: n for n, doc in enumerate(found)}
        passages = Passage.objects.of_documents(doc_rank).select_related("document")
        scored = []
        for passage in passages:
            share = lexical_share(q, f"{passage.document.title} {passage.heading} {passage.text}")
            if share:
                scored.append((-share, doc_rank[passage.document_id], passage.position, passage))
        scored.sort(key=lambda row: row[:3])
        for rank, (_, _, _, passage) in enumerate(scored):
            candidates[passage.pk] = Candidate(passage, lexical_rank=rank)
    nearest = VectorIndex.current().nearest(q.vector, SEMANTIC_PASSAGES)
    missing = [pk for pk, _ in nearest if pk not in candidates]
    fetched = Passage.objects.filter(pk__in=missing).select_related("document").in_bulk()
    for rank, (pk, cosine) in enumerate(nearest):
        candidate = candidates.get(pk)
        if candidate is None:
            if pk not in fetched:
                continue
            candidate = candidates[pk] = Candidate(fetched[pk])
        candidate.semantic_rank, candidate.cosine = rank, cosine
    for candidate in candidates.values():
        for rank in (candidate.lexical_rank, candidate.semantic_rank):
            if rank is not None:
                candidate.rrf += 1 / (RRF_K + rank + 1)
    ranked = sorted(candidates.values(), key=lambda c: -c.rrf)[:limit]
    name = embedder().name
    for candidate in ranked:
        if candidate.semantic_rank is None and candidate.passage.embedder == name:
            candidate.cosine = float(candidate.passage.as_array() @ q.vector)
    for candidate in ranked:
        p = candidate.passage
        context = f"{p.document.title} {p.heading} {p.text}"
        candidate.lexical = lexical_share(q, context)
        candidate.support = coverage(q, context)
    return ranked
