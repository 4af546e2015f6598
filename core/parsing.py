"""Numbers and times from text anyone can send (a query string, a form's hidden field), kept
to what Python and both databases hold: None for anything else, never an exception.

`str.isdigit` is no test for a number: "²" is a digit to it and `int("²")` fails, and a
number over 64 bits parses in Python but SQLite cannot bind it.
"""

import re
from datetime import UTC, datetime

from django.utils import timezone

# The largest value of a 64-bit signed column (BigAutoField, BigIntegerField).
BIGGEST = 2**63 - 1
_WHOLE = re.compile(r"-?[0-9]{1,19}")


def whole_number(text, *, low=-BIGGEST - 1, high=BIGGEST):
    """The int that `text` writes in ASCII digits (an optional leading minus), if it lies
    between `low` and `high`; else None."""
    if not isinstance(text, str) or not _WHOLE.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def row_id(text):
    """A primary key as text (an id in a form or URL), or None."""
    return whole_number(text, low=1)


def moment(text):
    """The instant that `text` writes in ISO 8601 (without an offset, in the current time
    zone), in UTC; None if it is none, or if it cannot be converted: year 1 at +14:00 is
    before the first instant Python holds."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        value = datetime.fromisoformat(text)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
