"""Turns every indexed content model (core.content.Indexed) into rows of the search index,
and keeps them there. Search names no content type: each declares its documents."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

from core.content import indexed_models
from search.events import document_indexed, index_rebuilt
from search.models import SearchDocument, SearchSection

VERSION_KEY = "search:index-version"
_held = ContextVar("search_indexing_held", default=False)


def is_public(obj):
    return type(obj).search_public().filter(pk=obj.pk).exists()


def _section_rows(document, sections):
    return [
        SearchSection(
            document=document, position=n, anchor=anchor[:200], heading=heading[:300], text=text
        )
        for n, (anchor, heading, text) in enumerate(sections)
    ]


def index_object(obj):
    """Put one indexed row in the index (or take it out if the public side does not show it)."""
    kind = type(obj).search_kind
    if obj.pk is None or not is_public(obj):
        unindex(kind, obj.pk)
        return
    document, _ = SearchDocument.objects.update_or_create(
        kind=kind, object_id=obj.pk, defaults=obj.search_fields()
    )
    document.sections.all().delete()
    SearchSection.objects.bulk_create(_section_rows(document, obj.search_sections()))
    bump_version()
    document_indexed.send(sender=type(obj), document=document, obj=obj)


@contextmanager
def indexing_held():
    """Saves inside skip the save signals' indexing; the caller indexes once at the end.

    An import saves a runbook, then its tags, checks and steps: each would re-index it.
    """
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def indexing_is_held():
    return _held.get()


def unindex(kind, object_id):
    if object_id is not None:
        SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
        bump_version()


def rebuild():
    """Re-create every row of the index from the content. Returns the number of documents."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        rows, sectioned = [], []
        for model in indexed_models():
            queryset = model.search_public().prefetch_related(*model.search_prefetch)
            for obj in queryset.iterator(chunk_size=500):
                rows.append(
                    SearchDocument(kind=model.search_kind, object_id=obj.pk, **obj.search_fields())
                )
                if sections := obj.search_sections():
                    sectioned.append((rows[-1], sections))
        SearchDocument.objects.bulk_create(rows, batch_size=500)
        SearchSection.objects.bulk_create(
            [row for document, sections in sectioned for row in _section_rows(document, sections)],
            batch_size=500,
        )
        index_rebuilt.send(sender=None)
    bump_version()
    return len(rows)


def bump_version():
    """Typo correction caches its vocabulary per index version (a random token, so a cleared
    cache can never bring back a version some process already built a vocabulary for)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def current_version():
    return cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, None)
