"""Keep the search index in step with the content on every save, delete and tag change.

Indexing is synchronous and inside the writer's transaction: a rolled-back save leaves the
index as it was, and a search right after a save already finds the change.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from kb.models import FAQEntry, Guide
from runbooks.models import Runbook, RunbookCheck, RunbookFixStep
from search import documents, synonyms
from search.models import Synonym

INDEXED = (Guide, Runbook, FAQEntry)


def _reindex(model, pk):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        documents.unindex(documents.KIND_OF[model], pk)
    else:
        documents.index_object(obj)


@receiver(post_save)
def content_saved(sender, instance, raw=False, **kwargs):
    if raw or documents.indexing_is_held():
        return
    if sender in INDEXED:
        documents.index_object(instance)
    elif sender in (RunbookCheck, RunbookFixStep):
        _reindex(Runbook, instance.runbook_id)


@receiver(post_delete)
def content_deleted(sender, instance, **kwargs):
    if documents.indexing_is_held():
        return
    if sender in INDEXED:
        documents.unindex(documents.KIND_OF[sender], instance.pk)
    elif sender in (RunbookCheck, RunbookFixStep):
        _reindex(Runbook, instance.runbook_id)


@receiver(m2m_changed, sender=Guide.tags.through)
@receiver(m2m_changed, sender=Runbook.tags.through)
def tags_changed(sender, instance, action, **kwargs):
    if (
        action.startswith("post_")
        and isinstance(instance, INDEXED)
        and not documents.indexing_is_held()
    ):
        documents.index_object(instance)


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def synonyms_changed(sender, **kwargs):
    """Every process builds its synonyms again (the page cache empties itself on any write)."""
    synonyms.changed()
