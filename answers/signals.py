"""Passages follow the search index: written in the same transaction as their document
(search.events), so a saved guide's answers change with its search results."""

from django.dispatch import receiver

from answers import index
from search.events import document_indexed, index_rebuilt


@receiver(document_indexed)
def document_written(sender, *, document, obj, **kwargs):
    index.index_document(document, obj)


@receiver(index_rebuilt)
def index_made_again(sender, **kwargs):
    index.rebuild()
