"""Counts in plain English: `plural(1, "resource")` is "1 resource", `plural(6, "resource")`
"6 resources". One helper for Python code; templates use Django's `pluralize` filter."""


def plural(count, word, plural_word=None):
    """The count and the word, in the singular for exactly one, else in the plural
    (`plural_word`, or the word with an "s")."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {plural_word or word + 's'}"
