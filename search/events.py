"""Signals for apps that follow what people search (the insights dashboard), sent after a
search or an opened result is counted in Content gaps (`SearchQuery.record`, `record_open`).
Here rather than in search.signals, which search.models cannot import without a cycle."""

from django.dispatch import Signal

# text: the normalized words; total: how many results.
search_performed = Signal()
# text: the words whose result was opened.
result_opened = Signal()
