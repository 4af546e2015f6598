"""A phrase of the question found in the content as its acronym: "single sign on" asks
about what the content calls "SSO", "two factor authentication" about "2FA".

Nothing is listed by hand: a run of three or four words of the question stands for the
acronym its initials spell (a number word gives its digit: "two" gives "2") when the
content uses that acronym as a word, and it is no English word ("rpm", "key" and "use"
are words of their own).

Guarantee: the question's terms are only ever joined into a phrase that also matches its
acronym; a question with no such run keeps its terms as they are.
"""

from answers.words import FRAMING
from search.query import Term, english_words
from search.words import STOP_WORDS, WORD_RE

NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
NUMBER_WORDS = {word: str(n) for n, word in enumerate(NUMBERS, 1)}
RUNS = (4, 3)  # words in a phrase, longest first: two-letter acronyms are too often chance


def initials(words):
    """The acronyms a run of words may stand for: its initials, and with a number word's
    digit instead of its initial."""
    plain = "".join(w[0] for w in words)
    digits = "".join(NUMBER_WORDS.get(w, w[0]) for w in words)
    return dict.fromkeys([plain, digits])


def expand(text, parsed, vocabulary):
    """`parsed` with the terms of each phrase standing for an acronym of the content joined
    into one term that matches the phrase or the acronym."""
    words = WORD_RE.findall(text.lower())
    i = 0
    while i < len(words):
        for size in RUNS:
            run = words[i : i + size]
            if not _phrase(run, size):
                continue
            found = [
                a
                for a in initials(run)
                if a in vocabulary.counts and a not in english_words() and a not in words
            ]
            if found and _join(parsed, run, found[0]):
                i += size - 1
                break
        i += 1
    return parsed


def _phrase(run, size):
    """Whether a run of words can be a phrase an acronym stands for: words (no figures),
    the first a word of meaning, one function word at most ("single sign on")."""
    return (
        len(run) == size
        and all(w.isalpha() for w in run)
        and run[0] not in STOP_WORDS
        and run[0] not in FRAMING
        and sum(w in STOP_WORDS or w in FRAMING for w in run) <= 1
    )


def _join(parsed, run, acronym):
    """Replace the terms of `run` in `parsed` by one term for the phrase or its acronym."""
    at = [n for n, term in enumerate(parsed.terms) if set(term.word.split()) <= set(run)]
    if not at or any(" " in parsed.terms[n].word or parsed.terms[n].corrected for n in at):
        return False  # a phrase editors gave synonyms for, or a correction: theirs stands
    phrase = " ".join(w for w in run if w not in STOP_WORDS)
    term = Term(word=phrase, alternatives=(phrase, acronym))
    parsed.terms[at[0] : at[0] + 1] = [term]
    for n in reversed(at[1:]):
        del parsed.terms[n]
    return True
