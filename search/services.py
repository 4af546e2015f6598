"""The one search function: the home page's live search, /search/ and (later) ticket
suggestions all call `search()`."""

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from search import engine
from search.models import SearchDocument
from search.query import WORD_RE, parse

SNIPPET_WORDS = 32
FEW = 3


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: str
    url: str
    id: int
    snippet: str  # safe HTML: escaped text with <mark>
    title_html: str
    codes: list


@dataclass
class Results:
    query: str  # normalized text of what was asked
    hits: list = field(default_factory=list)
    total: int = 0
    corrected: str | None = None  # "Showing results for ..." when set
    truncated: bool = False
    is_browse: bool = True  # nothing to search for: show the browse view


def search(text, *, tag=None, page=1, per_page=10, as_you_type=True):
    parsed = parse(text, as_you_type=as_you_type)
    results = Results(query=parsed.text, truncated=parsed.truncated)
    if parsed.is_empty:
        return results
    results.is_browse = False
    offset = (max(page, 1) - 1) * per_page
    ids, total = engine.run(parsed, tag=tag, limit=per_page, offset=offset)
    if total < FEW and len(parsed.terms) > 1:
        # Few documents hold every word: rank all by how well the words they hold fit.
        ids, total = engine.run(parsed, tag=tag, limit=per_page, offset=offset, match_any=True)
    results.total = total
    results.corrected = parsed.corrected_text
    documents = SearchDocument.objects.in_bulk(ids)
    marker = Marker(parsed)
    for doc in (documents[i] for i in ids if i in documents):
        results.hits.append(
            Hit(
                kind=doc.kind,
                kind_label=doc.get_kind_display(),
                title=doc.title,
                url=doc.url,
                id=doc.pk,
                title_html=marker.mark(doc.title),
                snippet=marker.snippet(doc.body),
                codes=doc.codes.split(),
            )
        )
    return results


class Marker:
    """Marks matched words: the text is escaped first, then <mark> added; never content HTML."""

    def __init__(self, parsed):
        stems = set()
        for term in parsed.terms:
            for word in term.alternatives:
                stems.add(_stem(word))
        for code in parsed.codes:
            stems.update(_stem(part) for part in code.split("_"))
        self.stems = tuple(sorted(s for s in stems if len(s) >= 2))

    def matches(self, word):
        word = word.lower()
        return any(word.startswith(stem) for stem in self.stems) if self.stems else False

    def mark(self, text):
        parts = re.split(r"([^\W_]+)", text)
        out = []
        for i, part in enumerate(parts):
            if i % 2 and self.matches(part):
                out.append(f"<mark>{escape(part)}</mark>")
            else:
                out.append(escape(part))
        return mark_safe("".join(out))

    def snippet(self, text):
        words = text.split()
        start = next(
            (i for i, w in enumerate(words) if any(self.matches(x) for x in WORD_RE.findall(w))),
            0,
        )
        start = max(0, start - 8)
        chunk = " ".join(words[start : start + SNIPPET_WORDS])
        prefix = "… " if start else ""
        suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
        return mark_safe(escape(prefix) + self.mark(chunk) + escape(suffix))


def _stem(word):
    """A rough stem for highlighting (streaming -> stream, verified -> verif)."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word
