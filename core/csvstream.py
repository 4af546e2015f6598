"""CSV files streamed to the browser: rows are written as they are read, so an export of
100,000 tickets never sits in memory (the caller reads its rows with `iterator()`).

Every cell that a spreadsheet would take for a formula (text starting with = + - @, or a
tab or carriage return before one) is prefixed with an apostrophe: a customer's subject
"=HYPERLINK(...)" stays text when a lead opens the export (OWASP "CSV injection").
"""

import csv
import logging
import re
from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django.utils import timezone

log = logging.getLogger(__name__)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_cell(value):
    """The text of one cell: '' for None, numbers as they are, text that could start a
    formula with an apostrophe in front."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


class _Echo:
    """A file whose write() returns the line: csv.writer then yields text we stream."""

    def write(self, value):
        return value


def lines(header, rows: Iterable):
    """The CSV lines of `header` and `rows` (iterables of cells), one at a time. A byte-order
    mark first, so spreadsheets read UTF-8 names as they were typed."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def response(name, header, rows, *, user, what):
    """A streamed CSV download named `name`-<date>.csv, and a log line saying who exported
    `what` (a description: the list and its filters), and when."""
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    filename = f"{_UNSAFE_FILENAME.sub('-', name).strip('-') or 'export'}-{stamp}.csv"
    log.info(
        "CSV export by %s (user %s): %s",
        user.get_username(),
        user.pk,
        what,
        extra={"path": what[:500]},
    )
    streamed = StreamingHttpResponse(lines(header, rows), content_type="text/csv; charset=utf-8")
    streamed["Content-Disposition"] = f'attachment; filename="{filename}"'
    streamed["Cache-Control"] = "private, no-store"
    return streamed
