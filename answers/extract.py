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
# Tuned on the tuning split of the evaluation set only (answers/evaluation: a third of the
# questions is held out; see docs/developers/answers.md).
READ = 3  # fused candidates reranked
QUOTED_FROM = 3  # of them, the passages whose sentences compete for the answer
MAX_SENTENCES = 3
# The rerank of the fused candidates: their fused rank, how close their vector is to the
# question's, and how much of the question their page title and heading say.
RANK_FUSED, RANK_COSINE, RANK_HEADING = 1.0, 1.0, 1.0
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
NEXT_SENTENCE = 0.6  # a sentence of the same passage quoted too from this share of the best
WINDOW = True  # the sentence before or after the best one when it needs it (_around)


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
        )
    return sorted(read, key=lambda c: -c.extra["rank"])


def extract(q, candidates):
    """The Answer, or None when nothing read supports one."""
    read = rerank(q, candidates)[:QUOTED_FROM]
    if not read or not q.terms:
        return None
    pool = []  # (candidate, start, sentence, what it means)
    for candidate in read:
        text = candidate.passage.text
        for start, sentence in sentences_of(text):
            meaning = sentence
            if TABLE_ROW in sentence:
                header = _table_header(text, start)
                if header is None:
                    continue  # a header row is quoted with the row it heads
                meaning = f"{header[1]} {sentence}"  # a row means what its header says
            pool.append((candidate, start, sentence, meaning))
    if not pool:
        return None
    vectors = embedder().embed([f"{c.passage.heading} {m}" for c, _, _, m in pool])
    cosines = vectors @ q.vector
    scored = []
    for (candidate, start, sentence, meaning), cosine in zip(pool, cosines, strict=True):
        share = lexical_share(q, f"{candidate.passage.heading} {meaning}")
        score = (
            SCORE_SHARE * share
            + SCORE_COSINE * float(cosine)
            + SCORE_SUPPORT * support(q, candidate)
            + SCORE_RANK * candidate.extra["rank"]
        )
        # A few words ("Rate limits and retries.") or a lead-in ("... these columns:")
        # say little on their own.
        score *= min(1.0, len(sentence.split()) / SHORT_WORDS) ** 0.5
        if sentence.endswith(":"):
            score *= 0.7
        scored.append((score, candidate, start, sentence, meaning))
    scored.sort(key=lambda row: -row[0])
    best_score, best, start, sentence, meaning = scored[0]
    p = best.passage
    scores = {
        "sentence": best_score,
        # A table row covers the question with its header row ("Tokens per minute").
        "coverage": coverage(q, f"{p.document.title} {p.heading} {meaning}"),
        "support": best.support,
        "cosine": best.cosine,
        "heading": best.extra["heading"],
    }
    if (
        best_score < MIN_SENTENCE
        or scores["coverage"] < MIN_ANSWER_COVERAGE
        or scores["cosine"] < MIN_COSINE
    ):
        return None
    chosen = [(best, start, sentence)]
    if WINDOW:
        chosen += _around(best.passage.text, start, sentence)
    # Other sentences of the passage nearby that score nearly as well.
    siblings = [row for row in scored if row[1] is best and row[2] != start]
    for score, candidate, other_start, other, _ in siblings:
        if len(chosen) >= MAX_SENTENCES:
            break
        if any(row[1] == other_start for row in chosen):
            continue
        if score >= NEXT_SENTENCE * best_score and abs(other_start - start) < 400:
            chosen.append((candidate, other_start, other))
    if TABLE_ROW in sentence:
        header = _table_header(best.passage.text, start)
        if header and all(h[2] != header[1] for h in chosen):
            chosen.append((best, header[0], header[1]))
    chosen.sort(key=lambda row: row[1])
    answer = Answer(scores=scores)
    answer.citations.append(citation_for(best.passage))
    answer.sentences = [Sentence(text=s, citation=0) for _, _, s in chosen]
    return answer


# A sentence that starts so goes on from the one before it ("With those, most tickets are
# solved on the first reply."); one that ends with ":" leads in to the one after it.
REFERRING = re.compile(
    r"^(?:this|that|these|those|it|its|they|them|then|so|otherwise|instead|once|with (?:those|"
    r"these|that|this|it)|if so|if not|after that|to do so|to fix it)\b",
    re.IGNORECASE,
)


def _around(text, start, sentence):
    """[(None, start, sentence)] the best sentence needs to be understood: the one before it
    when it refers back (or leads in to it), the one after it when it leads in."""
    sentences = sentences_of(text)
    at = next(n for n, (s_start, _) in enumerate(sentences) if s_start == start)
    found = []
    if at > 0 and (REFERRING.match(sentence) or sentences[at - 1][1].endswith(":")):
        found.append(sentences[at - 1])
    if at + 1 < len(sentences):
        after = sentences[at + 1]
        if sentence.endswith(":"):
            found.append(after)
    return [(None, s_start, s) for s_start, s in found]


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
