"""The one search function: the home page's live search, /search/ and (later) ticket
suggestions all call `search()`."""

import html
import re
from dataclasses import dataclass, field

from django.db.models.functions import Substr
from django.utils.safestring import mark_safe

from core.content import indexed_models
from search import engine
from search.models import SearchSection
from search.query import ParsedQuery, parse

TAG_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")
SNIPPET_CHARS = 220  # about 32 words
SNIPPET_LEAD = 60  # characters shown before the first match
SNIPPET_SOURCE = 4000  # characters of the body a snippet is cut from
FEW = 3


def kind_labels():
    return {model.search_kind: model.search_kind_label for model in indexed_models()}


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
    section: str = ""  # the heading of the guide's section that holds the words searched for
    section_html: str = ""
    anchor: str = ""  # its id on the guide page


@dataclass
class Results:
    query: str  # normalized text of what was asked
    hits: list = field(default_factory=list)
    total: int = 0
    corrected: str | None = None  # "Showing results for ..." when set
    # How many documents the words as typed found: what counts in content gaps. The same as
    # `total` unless a typo was corrected (then 0 when the words typed found nothing).
    own_total: int = 0
    truncated: bool = False
    is_browse: bool = True  # nothing to search for: show the browse view
    # Something was typed, but no word of it can be searched for ("a", "the"): said so,
    # rather than showing the browse view as if it were results.
    unsearchable: bool = False


def search(text, *, tag=None, page=1, per_page=10, as_you_type=True, exact=False):
    """`exact`: the words as typed, without typo correction ("Search instead for")."""
    parsed = parse(text, as_you_type=as_you_type, exact=exact)
    results = Results(query=parsed.text, truncated=parsed.truncated)
    if parsed.is_empty:
        results.unsearchable = bool(parsed.text)
        return results
    results.is_browse = False
    if tag is not None and not TAG_SLUG.fullmatch(tag):
        return results  # no document has such a tag (and it must not reach a LIKE pattern)
    offset = (max(page, 1) - 1) * per_page
    # Each hit comes with the start of its body: never fetch (or de-TOAST) whole bodies.
    found, total = engine.run(
        parsed, tag=tag, limit=per_page, offset=offset, excerpt=SNIPPET_SOURCE
    )
    if total < FEW and len(parsed.terms) > 1:
        # Few documents hold every word: rank all by how well the words they hold fit.
        found, total = engine.run(
            parsed, tag=tag, limit=per_page, offset=offset, match_any=True, excerpt=SNIPPET_SOURCE
        )
    results.total = results.own_total = total
    results.corrected = parsed.corrected_text
    if results.corrected:
        own = parse(text, as_you_type=as_you_type, exact=True)
        results.own_total = _count(own, tag) if not own.is_empty else 0
    marker = Marker(parsed)
    sections = best_sections(parsed, found)
    for doc in found:
        hit = Hit(
            kind=doc.kind,
            kind_label=kind_labels().get(doc.kind, doc.kind),
            title=doc.title,
            url=doc.url,
            id=doc.id,
            title_html=marker.mark(doc.title),
            snippet=marker.snippet(doc.excerpt),
            codes=doc.codes.split(),
        )
        if doc.id in sections:
            hit.anchor, hit.section, text = sections[doc.id]
            hit.url = f"{doc.url}#{hit.anchor}"
            hit.section_html = marker.mark(hit.section)
            hit.snippet = marker.snippet(text)
        results.hits.append(hit)
    return results


def _count(parsed, tag):
    """How many documents `search` finds for `parsed` (every word, or, when that finds few,
    any word)."""
    total = engine.count(parsed, tag=tag)
    if total < FEW and len(parsed.terms) > 1:
        total = engine.run(parsed, tag=tag, limit=0, match_any=True)[1]
    return total


def best_sections(parsed, found):
    """{document id: (anchor, heading, text)} for the guides found whose words searched for
    (those their title does not say) are all in one section: the section a result links to.

    The index ranks whole guides (every word of a guide counts, wherever it stands); this then
    picks, among the guide's records per heading, the one that answers: the section holding
    every remaining word, with the most matches, the first of equals.
    """
    sectioned = {m.search_kind for m in indexed_models() if m.search_sectioned}
    guides = {doc.id: doc.title for doc in found if doc.kind in sectioned}
    # One marker per word searched for (and per error code): each must be found.
    markers = [Marker(ParsedQuery(text="", terms=[term])) for term in parsed.terms]
    markers += [Marker(ParsedQuery(text="", codes=[code])) for code in parsed.codes]
    markers = [m for m in markers if m.pattern is not None]
    needed = {
        doc_id: [m for m in markers if m.first_match(title) == -1]
        for doc_id, title in guides.items()
    }
    needed = {doc_id: found_in for doc_id, found_in in needed.items() if found_in}
    if not needed:
        return {}
    rows = (
        SearchSection.objects.filter(document_id__in=needed)
        .annotate(start=Substr("text", 1, SNIPPET_SOURCE))
        .values_list("document_id", "anchor", "heading", "start")
        .order_by("document_id", "position")
    )
    best = {}
    for doc_id, anchor, heading, text in rows:
        in_section = f"{heading} {text}"
        if any(m.first_match(in_section) == -1 for m in needed[doc_id]):
            continue
        lower = in_section.lower()
        score = sum(lower.count(head) for m in needed[doc_id] for head in m.heads)
        if doc_id not in best or score > best[doc_id][0]:
            best[doc_id] = (score, (anchor, heading, text))
    return {doc_id: section for doc_id, (_, section) in best.items()}


# Endings a word may carry and still be the word searched for (token -> tokens, verify ->
# verified): roughly what the engines' stemmers fold together.
INFLECTIONS = "s|e[ds]|d|ings?|ations?|ers?|ie[sd]|y"


class Marker:
    """Marks matched words: the text is escaped first, then <mark> added; never content HTML.

    Whole words only (a snake_case identifier is one word: no `not` inside
    `model_not_available`), with their inflections; the word being typed, and its completions,
    as the start of a word. An error code in the query is marked whole. A URL scheme is no
    inflection (`https` is not `http` with an s).
    """

    def __init__(self, parsed):
        whole, starts = set(), set()
        for term in parsed.terms:
            if term.in_code:
                continue  # marked as the whole code
            words = (*term.alternatives, *term.completions)
            (starts if term.prefix else whole).update(w for w in words if len(w) >= 2)
        wholes, heads = [], set()
        for phrase in sorted((w for w in whole | starts if " " in w), key=len, reverse=True):
            # A synonym of several words ("two factor"): those words, apart or hyphenated.
            tail = r"[^\W_]*" if phrase in starts else r"(?!\w)"
            wholes.append(r"[\s-]+".join(map(re.escape, phrase.split())) + tail)
            heads.add(phrase.split()[0])
        whole = {w for w in whole if " " not in w}
        starts = {w for w in starts if " " not in w}
        for word in sorted(whole, key=len, reverse=True):
            stem = re.escape(_stem(word))
            # _stem() only takes off one of INFLECTIONS: the word itself is among these.
            wholes.append(rf"{stem}(?:{INFLECTIONS})?(?!\w|://)")
            if word.endswith("y") and len(word) > 3:  # verify: verified, verifies
                wholes.append(rf"{re.escape(word[:-1])}i(?:es|ed|cations?)(?!\w|://)")
        wholes += [rf"{re.escape(code)}(?!\w)" for code in parsed.codes]
        wholes += [rf"{re.escape(s)}[^\W_]*" for s in sorted(starts, key=len, reverse=True)]
        self.pattern = re.compile(rf"(?<!\w)(?:{'|'.join(wholes)})", re.I) if wholes else None
        # Where a match can begin: the stems, the words being typed and the codes.
        heads |= {_stem(w[:-1] if w.endswith("y") else w) for w in whole}
        heads |= starts | set(parsed.codes)
        self.heads = heads
        self.ascii_heads = heads if all(head.isascii() for head in heads) else None

    def mark(self, text):
        if self.pattern is None:
            return mark_safe(html.escape(text))
        out, last = [], 0
        for match in self.pattern.finditer(text):
            out.append(html.escape(text[last : match.start()]))
            out.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
        out.append(html.escape(text[last:]))
        return mark_safe("".join(out))

    def first_match(self, text):
        """Where the first marked word begins in `text`, or -1.

        What `pattern.search` finds, found faster in ASCII text (most content): the regex tries
        every position of up to SNIPPET_SOURCE characters, str.find jumps from one occurrence
        of a word's start to the next, where the pattern is tried once.
        """
        if self.pattern is None:
            return -1
        if self.ascii_heads is None or not text.isascii():
            match = self.pattern.search(text)
            return match.start() if match else -1
        lower, first = text.lower(), -1
        for head in self.ascii_heads:
            i = lower.find(head)
            while i != -1 and (first == -1 or i < first):
                if self.pattern.match(text, i):
                    first = i
                    break
                i = lower.find(head, i + 1)
        return first

    def snippet(self, text):
        first = self.first_match(text)
        start = 0
        if first > SNIPPET_LEAD:
            start = text.find(" ", first - SNIPPET_LEAD) + 1
        end = start + SNIPPET_CHARS
        if end < len(text):
            end = text.rfind(" ", start, end) if " " in text[start:end] else end
        prefix = "… " if start else ""
        suffix = " …" if end < len(text) else ""
        return mark_safe(prefix + self.mark(text[start:end]) + suffix)


def _stem(word):
    """A rough stem for highlighting (streaming -> stream, verified -> verif)."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word
