"""Which sentences of the chosen passage an answer quotes around its best sentence.

A customer reads a quote as a short paragraph, so it is one contiguous run of its
passage's sentences, in their order, of at most MAX_SENTENCES sentences and MAX_CHARS
characters: a passage that short is quoted whole; a longer one gives the paragraph of the
best sentence (or the best sentence alone, when its paragraph is longer), what it needs
to be understood (the sentence it refers back to, the one its lead-in announces), then
its neighbours while they score nearly as well as the best sentence. A table row comes
with its header row, and nothing else of the table.

Guarantee: every sentence returned is one of `sentences_of(text)`, a span of the text.
"""

import re

TABLE_ROW = " | "
# Tuned on the tuning split of the evaluation set only (docs/developers/answers.md).
MAX_SENTENCES = 4
MAX_CHARS = 500  # what help-desk answer bots show: two to four sentences
GROW = 0.6  # a neighbour is added when it scores this share of the best sentence

# A sentence that starts so goes on from the one before it ("With those, most tickets are
# solved on the first reply."); one that ends with ":" leads in to the one after it.
REFERRING = re.compile(
    r"^(?:this|that|these|those|it|its|they|them|then|so|otherwise|instead|once|with (?:those|"
    r"these|that|this|it)|if so|if not|after that|to do so|to fix it)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(*\[]|[a-z][a-z0-9]*_[a-z0-9])")


def sentences_of(text):
    """(start, sentence) of each sentence of a passage's text, in order: cut at line ends
    (paragraphs, list items, table rows) and at sentence ends."""
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


def table_header(text, start):
    """(start, line) of the first row of the table holding the line at `start`; None for a
    header row itself and for a line outside a table."""
    lines, offset, header = text.split("\n"), 0, None
    for line in lines:
        header = header or (offset, line) if TABLE_ROW in line else None
        if offset <= start < offset + len(line) + 1:
            return header if header and header[0] != start else None
        offset += len(line) + 1
    return None


def quote(text, start, scores):
    """[(start, sentence)] of `text` to quote around its sentence at `start`, in order.
    `scores`: {start: score} of the passage's sentences (a missing one scores 0)."""
    sentences = sentences_of(text)
    at = next(n for n, (s_start, _) in enumerate(sentences) if s_start == start)
    sentence = sentences[at][1]
    if TABLE_ROW in sentence:
        header = table_header(text, start)
        return [header, sentences[at]] if header else [sentences[at]]
    if len(text) <= MAX_CHARS and TABLE_ROW not in text:
        return sentences
    # The paragraph holding it, when short enough: the unit its author wrote it in.
    chosen = _paragraph(text, sentences, start)
    if not _fits(sentences, chosen):
        chosen = {at}
    if at > 0 and (REFERRING.match(sentence) or sentences[at - 1][1].endswith(":")):
        chosen.add(at - 1)
    if sentence.endswith(":") and at + 1 < len(sentences):
        chosen.add(at + 1)
    best = scores.get(start, 0.0)
    while True:
        first, last = min(chosen), max(chosen)
        options = [
            (max(scores.get(sentences[m][0], 0.0) for m in group), group)
            for group in (_step(sentences, first - 1, -1), _step(sentences, last + 1, 1))
            if group and _fits(sentences, chosen | set(group))
        ]
        options = [(score, group) for score, group in options if score >= GROW * best]
        if not options:
            return [sentences[n] for n in sorted(chosen)]
        chosen.update(max(options)[1])


def _paragraph(text, sentences, start):
    """The sentences of the line (paragraph, list item) holding the sentence at `start`."""
    first = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    end = len(text) if end == -1 else end
    return {n for n, (s_start, _) in enumerate(sentences) if first <= s_start < end}


def _step(sentences, n, direction):
    """The sentences to add to reach sentence n (none outside the passage or in a table): a
    lead-in comes with the sentence it leads in to."""
    if not 0 <= n < len(sentences):
        return []
    group = [n]
    if direction > 0 and sentences[n][1].endswith(":") and n + 1 < len(sentences):
        group.append(n + 1)
    if direction < 0 and n > 0 and sentences[n - 1][1].endswith(":"):
        group.append(n - 1)
    return [] if any(TABLE_ROW in sentences[m][1] for m in group) else group


def _fits(sentences, chosen):
    return (
        len(chosen) <= MAX_SENTENCES
        and sum(len(sentences[n][1]) + 1 for n in chosen) - 1 <= MAX_CHARS
    )
