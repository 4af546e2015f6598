"""Counts in plain English: `plural(1, "resource")` is "1 resource", `plural(6, "resource")`
"6 resources". One helper for Python code; templates use Django's `pluralize` filter."""


def noun(count, word, plural_word=None):
    """The word alone, in the singular for exactly one, else in the plural (`plural_word`, or
    the word with an "s"): "missing required fields: a, b"."""
    return word if count == 1 else plural_word or word + "s"


def plural(count, word, plural_word=None):
    """The count and the word: "1 resource", "6 resources"."""
    return f"{count} {noun(count, word, plural_word)}"
