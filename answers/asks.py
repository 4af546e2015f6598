"""What kind of answer a question asks for, when its wording says so, and whether a
sentence holds one: "how long" asks for a duration, "how many" for a figure, "what is the
callback URL" for an address. Question classification as in TREC question answering
(Li and Roth, "Learning question classifiers", 2002), reduced to the few kinds a sentence
shows on its face.

Guarantee: a question whose wording names no kind asks for none (`asks` returns None), and
then no sentence is favoured.
"""

import re

NUMBER = r"\d[\d,.]*\s?(?:k\b|%)?"
DURATION = re.compile(
    rf"{NUMBER}\s*(?:seconds?|s\b|minutes?|min\b|hours?|h\b|days?|business days|weeks?|"
    r"months?|years?)|\b(?:hourly|daily|weekly|monthly|yearly|annually)\b",
    re.IGNORECASE,
)
FIGURE = re.compile(r"\d")
ADDRESS = re.compile(r"https?://\S|\b(?:GET|POST|PUT|PATCH|DELETE) /\S|(?<!\S)/v\d+/")

# (what a question says, the kind of answer it asks for), the first that matches.
KINDS = [
    (re.compile(r"\bhow (?:long|soon|often)\b", re.IGNORECASE), DURATION),
    (
        re.compile(
            r"\bhow (?:many|much|big|large)\b|\b(?:minimum|maximum|percentages?)\b",
            re.IGNORECASE,
        ),
        FIGURE,
    ),
    (re.compile(r"\b(?:url|uri|endpoint|hostname|domain)\b", re.IGNORECASE), ADDRESS),
]


def asks(question):
    """The pattern a sentence answering `question` holds, or None."""
    return next((kind for wording, kind in KINDS if wording.search(question)), None)


def holds(kind, sentence):
    """Whether `sentence` holds an answer of that kind (False when none is asked for)."""
    return kind is not None and kind.search(sentence) is not None
