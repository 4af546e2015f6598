"""Counts in plain English through Django's ngettext: `plural(1, "resource")` is
"1 resource", `plural(6, "resource")` "6 resources". For messages written whole, call
ngettext with both sentences; templates use Django's `pluralize` filter."""

from django.utils.translation import ngettext


def noun(count, word, plural_word=None):
    """The word alone, in the singular for exactly one, else in the plural (`plural_word`, or
    the word with an "s"): "missing required fields: a, b"."""
    return ngettext(word, plural_word or word + "s", count)


def plural(count, word, plural_word=None):
    """The count and the word: "1 resource", "6 resources"."""
    return f"{count} {noun(count, word, plural_word)}"
