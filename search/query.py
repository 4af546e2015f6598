"""From what a person typed to a structured query: words, error codes, corrections, prefix."""

import bisect
import functools
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from django.core.cache import cache
from symspellpy import SymSpell, Verbosity

from search.documents import current_version
from search.models import SearchDocument
from search.synonyms import Thesaurus
from search.words import STOP_WORDS, WORD_RE

MAX_LENGTH = 200  # characters kept; the rest is cut with a notice
MAX_TERMS = 12
CODE_RE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# A key in a pasted JSON error body ("error":, "message":): structure, not what went wrong.
JSON_KEY_RE = re.compile(r'"[^"\s]{1,40}"\s*:')
# Typo tolerance as Algolia sets it by default, one letter stricter at the short end: no
# correction under 5 letters (saml, sso, mfa are words of their own), one typo from 5, two
# from 8.
MIN_LETTERS_ONE_TYPO = 5
MIN_LETTERS_TWO_TYPOS = 8
# English words and how common they are: the dictionary symspellpy ships (82,765 words).
ENGLISH = "frequency_dictionary_en_82_765.txt"


@functools.cache
def english_words():
    """Every word of the language the spelling library knows: a search for one of them is
    never "corrected" to another word (refund is not a typo of resend)."""
    text = resources.files("symspellpy").joinpath(ENGLISH).read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0] for line in text.splitlines() if line)


@dataclass
class Term:
    word: str  # what the person typed (lower case)
    alternatives: tuple  # words to match, any of them
    prefix: bool = False  # the last word, still being typed
    corrected: bool = False
    completions: tuple = ()  # whole words the unfinished word may become
    in_code: bool = False  # part of an error code in the query: matched through the code


@dataclass
class ParsedQuery:
    text: str  # normalized: lower case, single spaces, at most MAX_LENGTH characters
    terms: list = field(default_factory=list)
    codes: list = field(default_factory=list)
    truncated: bool = False

    @property
    def is_empty(self):
        return not self.terms and not self.codes

    @property
    def corrected_text(self):
        """The query as searched, when a correction was applied; else None."""
        if not any(t.corrected for t in self.terms):
            return None
        return " ".join(t.alternatives[0] if t.corrected else t.word for t in self.terms)


class Vocabulary:
    """Every word in the index, for typo correction (SymSpell) and prefix checks.

    Built once per index version per process; rebuilt when the words change. A new index
    version with the same words (a document saved with no change of text, the same content
    indexed again) keeps the spelling dictionary: building it is most of the cost (about
    70 ms for the shipped content).
    """

    _lock = threading.Lock()
    _cached = (None, None)

    def __init__(self, counts):
        self.counts = counts
        self.sorted_words = sorted(counts)
        self.symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in counts.items():
            if len(word) >= 3 and not word.isdigit():
                self.symspell.create_dictionary_entry(word, count)

    @classmethod
    def current(cls):
        version = current_version()
        with cls._lock:
            cached_version, vocabulary = cls._cached
            if cached_version != version:
                counts = cls.count_words()
                if vocabulary is None or vocabulary.counts != counts:
                    vocabulary = cls(counts)
                cls._cached = (version, vocabulary)
        return vocabulary

    @staticmethod
    def count_words():
        counts = Counter()
        rows = SearchDocument.objects.values_list("title", "codes", "tags", "body")
        for row in rows.iterator(chunk_size=1000):
            counts.update(WORD_RE.findall(" ".join(row).lower()))
        return counts

    def __contains__(self, word):
        return word in self.counts

    def has_prefix(self, prefix):
        i = bisect.bisect_left(self.sorted_words, prefix)
        return i < len(self.sorted_words) and self.sorted_words[i].startswith(prefix)

    def completions(self, prefix, limit=3, scan=200):
        """The most frequent words starting with `prefix`.

        Engines stem the index ("streaming" is stored as "stream"), so the unfinished
        "streami" matches nothing as a prefix; its completions, stemmed, do.
        """
        i = bisect.bisect_left(self.sorted_words, prefix)
        found = []
        for word in self.sorted_words[i : i + scan]:
            if not word.startswith(prefix):
                break
            found.append(word)
        found.sort(key=lambda w: -self.counts[w])
        return tuple(w for w in found[:limit] if w != prefix)

    def correct(self, word):
        """The word of the index `word` is a typo of, or None. A word of the language is no
        typo, even when the index lacks it: the search says it found nothing, and counts
        as a content gap, rather than showing results for another word."""
        if len(word) < MIN_LETTERS_ONE_TYPO or word.isdigit() or word in english_words():
            return None
        distance = 1 if len(word) < MIN_LETTERS_TWO_TYPOS else 2
        suggestions = self.symspell.lookup(word, Verbosity.TOP, max_edit_distance=distance)
        return suggestions[0].term if suggestions else None


def known_codes():
    key = f"search:codes:{current_version()}"
    codes = cache.get(key)
    if codes is None:
        codes = set()
        for value in SearchDocument.objects.exclude(codes="").values_list("codes", flat=True):
            codes.update(value.split())
        cache.set(key, codes, 3600)
    return codes


def parse(raw, *, as_you_type=True, vocabulary=None, exact=False):
    """Parse a query. `as_you_type`: the last word may be unfinished (prefix match).
    `exact`: no typo correction (the person chose "Search instead for" their own words)."""
    raw = (raw or "").replace("\x00", " ").lower()
    # Error codes from all of it: a pasted error body often ends with its code.
    codes = [c for c in dict.fromkeys(CODE_RE.findall(raw)) if c in known_codes()]
    truncated = len(raw) > MAX_LENGTH
    raw = raw[:MAX_LENGTH]
    words = WORD_RE.findall(JSON_KEY_RE.sub(" ", raw))
    words = [w for w in words if w not in STOP_WORDS and len(w) > 1]
    words = list(dict.fromkeys(words))[:MAX_TERMS]
    parsed = ParsedQuery(text=" ".join(raw.split()), codes=codes, truncated=truncated)
    if not words:
        return parsed
    vocabulary = vocabulary or Vocabulary.current()
    thesaurus = Thesaurus.current()
    code_words = {part for code in codes for part in code.split("_")}
    i = 0
    while i < len(words):
        synonym = thesaurus.match(words, i)
        if synonym:  # a word or phrase editors gave synonyms for: those, and no correction
            key, size = synonym
            parsed.terms.append(Term(word=key, alternatives=thesaurus.expansions[key]))
            i += size
            continue
        word, last = words[i], i == len(words) - 1
        i += 1
        term = Term(word=word, alternatives=(word,), in_code=word in code_words)
        if word in vocabulary or word in code_words:
            pass
        elif last and vocabulary.has_prefix(word):
            pass  # an unfinished word, or one cut short: matched as a prefix below
        elif not exact:
            correction = vocabulary.correct(word)
            if correction:
                term.alternatives, term.corrected = (correction,), True
        parsed.terms.append(term)
    last = parsed.terms[-1]
    # A sent search whose last word is no word of the index but starts some ("authent"):
    # cut short before Enter, so completed rather than "corrected" to another word.
    cut_short = (
        not last.corrected
        and not last.in_code
        and last.word not in vocabulary
        and last.word not in thesaurus
        and vocabulary.has_prefix(last.word)
    )
    unfinished = (as_you_type and not raw.endswith(" ")) or cut_short
    if unfinished and not last.corrected and len(last.word) >= 2:
        last.prefix = True
        last.completions = vocabulary.completions(last.word)
    return parsed
