"""The extractive answer: whole sentences of the best passages, quoted as they are written,
each with its citation; or no answer, when the passages do not support one.

A sentence is a span of its passage's text, cut at line ends (block ends: paragraphs, list
items, table rows) and at sentence ends. Nothing is rewritten, so every sentence of an
answer is found, character for character, in the passage it cites.
"""

import re
from dataclasses import dataclass, field

import numpy as np

from answers.embedding import embedder
from answers.retrieval import coverage, lexical_share

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(*\[])")
TABLE_ROW = " | "
READ = 1  # candidates whose sentences are read (the fused first: more refuse wrongly)
MAX_SENTENCES = 3
# What a passage must hold to support an answer (tuned on the evaluation set, see
# docs/developers/answers.md): enough of the question's words (by weight) in the passage
# and its page's title, and a sentence close enough to the question.
MIN_SUPPORT = 0.5
MIN_SENTENCE = 0.3
MIN_ANSWER_COVERAGE = 0.5  # of the question, by the sentence with its page title and heading


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


def sentences_of(text):
    """(start, sentence) of each sentence of a passage's text, in order."""
    found = []
    offset = 0
    for line in text.split("\n"):
        position = 0
        for piece in SENTENCE_END.split(line):
            start = line.find(piece, position)
            position = start + len(piece)
            if piece.strip():
                found.append((offset + start, piece.strip()))
        offset += len(line) + 1
    return found


def support(q, candidate):
    """How well a passage supports an answer to the question (0 to 1)."""
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


def extract(q, candidates):
    """The Answer, or None when nothing read supports one."""
    read = [c for c in candidates[:READ] if support(q, c) >= MIN_SUPPORT]
    if not read or not q.terms:
        return None
    pool = []  # (candidate, start, sentence, what it is scored on)
    for candidate in read:
        text = candidate.passage.text
        for start, sentence in sentences_of(text):
            scored_on = sentence
            if TABLE_ROW in sentence:
                header = _table_header(text, start)
                if header is None:
                    continue  # a header row is quoted with the row it heads
                scored_on = f"{header[1]} {sentence}"  # a row means what its header says
            pool.append((candidate, start, sentence, f"{candidate.passage.heading} {scored_on}"))
    if not pool:
        return None
    vectors = embedder().embed([s for _, _, _, s in pool])
    cosines = vectors @ q.vector
    best_rrf = max(c.rrf for c in read)
    scored = []
    for (candidate, start, sentence, scored_on), cosine in zip(pool, cosines, strict=True):
        share = lexical_share(q, scored_on)
        score = (
            0.45 * share
            + 0.25 * float(cosine)
            + 0.2 * support(q, candidate)
            + 0.1 * candidate.rrf / best_rrf
        )
        # A few words ("Rate limits and retries.") or a lead-in ("... these columns:")
        # say little on their own.
        score *= min(1.0, len(sentence.split()) / 8) ** 0.5
        if sentence.endswith(":"):
            score *= 0.7
        scored.append((score, candidate, start, sentence, share))
    scored.sort(key=lambda row: -row[0])
    best_score, best, start, sentence, _ = scored[0]
    if best_score < MIN_SENTENCE:
        return None
    p = best.passage
    if coverage(q, f"{p.document.title} {p.heading} {sentence}") < MIN_ANSWER_COVERAGE:
        return None
    chosen = [(best, start, sentence)]
    # The sentence after it, when it goes on with the same thing (a short lead-in, a table's
    # header before its row, or the next sentence of nearly the same score).
    siblings = [row for row in scored if row[1] is best and row[2] != start]
    for score, candidate, other_start, other, _ in siblings:
        if len(chosen) >= MAX_SENTENCES:
            break
        if score >= 0.8 * best_score and abs(other_start - start) < 400:
            chosen.append((candidate, other_start, other))
    if TABLE_ROW in sentence:
        header = _table_header(best.passage.text, start)
        if header and all(h[2] != header[1] for h in chosen):
            chosen.append((best, header[0], header[1]))
    chosen.sort(key=lambda row: row[1])
    answer = Answer()
    answer.citations.append(citation_for(best.passage))
    answer.sentences = [Sentence(text=s, citation=0) for _, _, s in chosen]
    return answer


def _table_header(text, start):
    """(start, line) of the first row of the table holding the line at `start`."""
    lines, offset, header = text.split("\n"), 0, None
    for line in lines:
        header = header or (offset, line) if TABLE_ROW in line else None
        if offset <= start < offset + len(line) + 1:
            return header if header and header[0] != start else None
        offset += len(line) + 1
    return None


def is_verbatim(answer, passages):
    """Every sentence is a span of the passage its citation names ({passage id: text})."""
    return all(
        s.text in passages[answer.citations[s.citation].passage_id] for s in answer.sentences
    )


def unit(vector):
    return vector / max(float(np.linalg.norm(vector)), 1e-9)
