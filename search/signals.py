"""Keep the search index in step with the content on every save, delete and tag change.

Indexing is synchronous and inside the writer's transaction: a rolled-back save leaves the
index as it was, and a search right after a save already finds the change. Which models are
indexed is their own declaration (core.content.Indexed, IndexedPart).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.content import Indexed, IndexedPart
from search import documents, synonyms
from search.models import Synonym


def _whole_again(part):
    whole = part.search_whole()
    if whole is not None:
        documents.index_object(whole)


@receiver(post_save)
def content_saved(sender, instance, raw=False, **kwargs):
    if raw or documents.indexing_is_held():
        return
    if isinstance(instance, Indexed):
        documents.index_object(instance)
    elif isinstance(instance, IndexedPart):
        _whole_again(instance)


@receiver(post_delete)
def content_deleted(sender, instance, **kwargs):
    if documents.indexing_is_held():
        return
    if isinstance(instance, Indexed):
        documents.unindex(sender.search_kind, instance.pk)
    elif isinstance(instance, IndexedPart):
        _whole_again(instance)


@receiver(m2m_changed)
def links_changed(sender, instance, action, **kwargs):
    """Tags (or any many-to-many link) of an indexed row changed."""
    if (
        action.startswith("post_")
        and isinstance(instance, Indexed)
        and not documents.indexing_is_held()
    ):
        documents.index_object(instance)


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def synonyms_changed(sender, **kwargs):
    """Every process builds its synonyms again (the page cache empties itself on any write)."""
    synonyms.changed()
