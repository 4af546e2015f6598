"""The extractive answer: whole sentences of the best passages, quoted as they are written,
each with its citation; or no answer, when the passages do not support one.

The sentences of the best passages compete; the best one decides whether there is an
answer, and answers.quote which of its passage's sentences are quoted around it. A
sentence is a span of its passage's text (answers.quote.sentences_of). Nothing is
rewritten, so every sentence of an answer is found, character for character, in the
passage it cites.
"""

from dataclasses import dataclass, field

import numpy as np

from answers.asks import asks, holds
from answers.embedding import embedder
from answers.quote import REFERRING, TABLE_ROW, quote, sentences_of, table_header
from answers.retrieval import coverage, lexical_share

# Tuned on the tuning split of the evaluation set only (answers/evaluation: a third of the
# questions is held out; see docs/developers/answers.md).
READ = 3  # fused candidates reranked
QUOTED_FROM = 3  # of them, the passages whose sentences compete for the answer
# The rerank of the fused candidates: their fused rank, how close their vector is to the
# question's, how much of the question their page title and heading say, and how much of
# it they cover with their text (a sentence two sections share is quoted from the one
# that covers more of the question).
RANK_FUSED, RANK_COSINE, RANK_HEADING, RANK_SUPPORT = 1.0, 1.0, 1.0, 1.0
# What a passage must hold to support an answer: enough of the question's words (by
# weight) in the passage and its page's title; a sentence close enough to the question,
# which with its title and heading covers enough of it.
MIN_SUPPORT = 0.4
MIN_SENTENCE = 0.3
MIN_ANSWER_COVERAGE = 0.45
MIN_COSINE = 0.25  # of the quoted passage's vector
# How a sentence is scored: the question's words it holds (with its heading), its vector's
# cosine, its passage's support and rank; a sentence under SHORT_WORDS words weighs less.
SCORE_SHARE, SCORE_COSINE, SCORE_SUPPORT, SCORE_RANK = 0.45, 0.25, 0.2, 0.1
SHORT_WORDS = 8
# A sentence that refers back ("This matters most when ...", answers.quote.REFERRING)
# does not name what it is about: it is quoted with the one before it, and scores less.
REFERS_BACK = 0.8
# A sentence holding the kind of answer the question asks for (answers.asks: a duration
# for "how long") scores this much more.
ASKED_FOR = 0.2


@dataclass
class Sentence:
    text: str
    citation: int  # index in Answer.citations


@dataclass
class Citation:
    url: str
    title: str
    section: str
    kind: str
    document_id: int
    object_id: int
    passage_id: int


@dataclass
class Answer:
    sentences: list = field(default_factory=list)
    citations: list = field(default_factory=list)
    mode: str = "extractive"
    scores: dict = field(default_factory=dict)  # what the refusal was decided on

    @property
    def text(self):
        return " ".join(s.text for s in self.sentences)

    @property
    def quotes(self):
        """[(sentences, citation)]: consecutive sentences of one citation together."""
        groups = []
        for sentence in self.sentences:
            citation = self.citations[sentence.citation]
            if groups and groups[-1][1] is citation:
                groups[-1][0].append(sentence.text)
            else:
                groups.append(([sentence.text], citation))
        return groups


def support(q, candidate):
    """How well a passage supports an answer to the question (0 to 1): how much of it the
    passage with its title and heading covers (computed once, for the candidates read)."""
    if candidate.support is None:
        p = candidate.passage
        candidate.support = coverage(q, f"{p.document.title} {p.heading} {p.text}")
    return candidate.support


def citation_for(passage):
    document = passage.document
    return Citation(
        url=passage.url,
        title=document.title,
        section=passage.heading,
        kind=document.kind,
        document_id=document.pk,
        object_id=document.object_id,
        passage_id=passage.pk,
    )


def rerank(q, candidates):
    """The first READ candidates that support an answer, best first by rank_score."""
    read = [c for c in candidates[:READ] if support(q, c) >= MIN_SUPPORT]
    if not read:
        return []
    best_rrf = max(c.rrf for c in read)
    for c in read:
        p = c.passage
        c.extra["heading"] = coverage(q, f"{p.document.title} {p.heading}")
        c.extra["rank"] = (
            RANK_FUSED * c.rrf / best_rrf
            + RANK_COSINE * c.cosine
            + RANK_HEADING * c.extra["heading"]
            + RANK_SUPPORT * c.support
        )
    return sorted(read, key=lambda c: -c.extra["rank"])


@dataclass
class Scored:
    """A sentence of a read passage, with how well it answers the question."""

    score: float
    candidate: object  # retrieval.Candidate
    start: int  # where it starts in its passage's text
    text: str
    share: float  # the question's weight its words (with its heading) hold
    meaning: str  # what it says: itself, or a table row with its header row
    raw: float  # the score before a short sentence or a lead-in weighs less
    cosine: float = 0.0  # of its vector (with its heading and header row) to the question's


def score_sentences(q, read):
    """Every sentence of the read passages, best first."""
    pool = []  # (candidate, start, sentence, what it means)
    for candidate in read:
        text = candidate.passage.text
        spans = sentences_of(text)
        for n, (start, sentence) in enumerate(spans):
            meaning = sentence
            if sentence.endswith(":") and n + 1 < len(spans):
                # A lead-in is quoted with the sentence after it (answers.quote) and is
                # read with it: scored alone it said little, however well it matched.
                meaning = f"{sentence} {spans[n + 1][1]}"
            if TABLE_ROW in sentence:
                header = table_header(text, start)
                if header is None:
                    continue  # a header row is quoted with the row it heads
                meaning = f"{header[1]} {sentence}"  # a row means what its header says
            pool.append((candidate, start, sentence, meaning))
    if not pool:
        return []
    vectors = embedder().embed([f"{c.passage.heading} {m}" for c, _, _, m in pool])
    cosines = vectors @ q.vector
    scored = []
    kind = asks(q.text)
    for (candidate, start, sentence, meaning), cosine in zip(pool, cosines, strict=True):
        share = lexical_share(q, f"{candidate.passage.heading} {meaning}")
        score = (
            SCORE_SHARE * share
            + SCORE_COSINE * float(cosine)
            + SCORE_SUPPORT * support(q, candidate)
            + SCORE_RANK * candidate.extra["rank"]
        )
        if holds(kind, sentence):
            score *= 1 + ASKED_FOR
        raw = score
        # A few words ("Rate limits and retries.", "What to do:") say little on their own.
        score *= min(1.0, len(sentence.split()) / SHORT_WORDS) ** 0.5
        if REFERRING.match(sentence):
            score *= REFERS_BACK
        scored.append(Scored(score, candidate, start, sentence, share, meaning, raw, float(cosine)))
    scored.sort(key=lambda row: -row.score)
    return scored


def extract(q, candidates):
    """The Answer, or None when nothing read supports one.

    A page's summary (its passage at the page itself: a guide's introduction, a runbook's
    symptom) says what the page is about rather than the answer, often in the question's
    own words: its sentences compete only when no section's best sentence supports an
    answer."""
    read = rerank(q, candidates)[:QUOTED_FROM]
    if not read or not q.terms:
        return None
    scored = score_sentences(q, read)
    sections = [row for row in scored if row.candidate.passage.anchor]
    found = _answer(q, sections) if sections else None
    if found is None and len(sections) < len(scored):
        found = _answer(q, scored)
    return found


def _answer(q, scored):
    """The Answer quoting the best of the `scored` sentences, or None when it does not
    support one."""
    top = scored[0]
    best, p = top.candidate, top.candidate.passage
    scores = {
        "sentence": top.score,
        "coverage": coverage(q, f"{p.document.title} {p.heading} {top.meaning}"),
        "support": best.support,
        "cosine": best.cosine,
        "heading": best.extra["heading"],
    }
    if TABLE_ROW in top.text:
        # A table's vector is the mean of all its rows: a row is weighed against the
        # question by its own meaning (the row with its header row) as well.
        scores["cosine"] = max(best.cosine, top.cosine)
    if (
        top.score < MIN_SENTENCE
        or scores["coverage"] < MIN_ANSWER_COVERAGE
        or scores["cosine"] < MIN_COSINE
    ):
        return None
    # Beside the best sentence, a short one costs little to read: its neighbours compete
    # on their scores before the weight short sentences lose.
    chosen = quote(p.text, top.start, {r.start: r.raw for r in scored if r.candidate is best})
    answer = Answer(scores=scores)
    answer.citations.append(citation_for(best.passage))
    answer.sentences = [Sentence(text=s, citation=0) for _, s in chosen]
    return answer


def is_verbatim(answer, passages):
    """Every sentence is a span of the passage its citation names ({passage id: text})."""
    return all(
        s.text in passages[answer.citations[s.citation].passage_id] for s in answer.sentences
    )


def unit(vector):
    return vector / max(float(np.linalg.norm(vector)), 1e-9)
