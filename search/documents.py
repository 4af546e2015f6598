"""Turns guides, runbooks and FAQ entries into rows of the search index, and keeps them there."""

import html
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction
from django.utils.html import strip_tags

from kb.models import FAQEntry, Guide, PublishState
from runbooks.models import Runbook
from search.models import Kind, SearchDocument

VERSION_KEY = "search:index-version"
_held = ContextVar("search_indexing_held", default=False)


def plain(html_text):
    return " ".join(html.unescape(strip_tags(html_text or "")).split())


def _tag_fields(obj):
    tags = list(obj.tags.all())
    return {
        "tags": " ".join(t.name for t in tags),
        "tag_slugs": " " + " ".join(t.slug for t in tags) + " ",
    }


def _fields_for_guide(guide):
    return {
        "url": guide.get_absolute_url(),
        "title": guide.title,
        "codes": "",
        **_tag_fields(guide),
        "body": f"{guide.summary} {plain(guide.body_html)}",
    }


def _fields_for_runbook(runbook):
    steps = " ".join(c.text for c in runbook.checks.all())
    steps += " " + " ".join(s.text for s in runbook.fix_steps.all())
    return {
        "url": runbook.get_absolute_url(),
        "title": runbook.title,
        "codes": " ".join(runbook.codes),
        **_tag_fields(runbook),
        "body": f"{runbook.summary} {steps} {runbook.escalation} {plain(runbook.body_html)}",
    }


def _fields_for_faq(entry):
    return {
        "url": f"/?faq={entry.slug}#faq-{entry.slug}",
        "title": entry.question,
        "codes": "",
        "tags": "",
        "tag_slugs": "",
        "body": plain(entry.body_html),
    }


SOURCES = {
    Kind.GUIDE: (Guide, _fields_for_guide),
    Kind.RUNBOOK: (Runbook, _fields_for_runbook),
    Kind.FAQ: (FAQEntry, _fields_for_faq),
}
KIND_OF = {model: kind for kind, (model, _) in SOURCES.items()}


def is_public(obj):
    return getattr(obj, "status", PublishState.PUBLISHED) == PublishState.PUBLISHED


def index_object(obj):
    """Put one guide, runbook or FAQ entry in the index (or take it out if not public)."""
    kind = KIND_OF[type(obj)]
    if obj.pk is None or not is_public(obj):
        unindex(kind, obj.pk)
        return
    _, fields_for = SOURCES[kind]
    SearchDocument.objects.update_or_create(kind=kind, object_id=obj.pk, defaults=fields_for(obj))
    bump_version()


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
        rows = []
        for kind, (model, fields_for) in SOURCES.items():
            queryset = model.objects.all()
            if hasattr(model, "status"):
                queryset = queryset.filter(status=PublishState.PUBLISHED)
            if model is not FAQEntry:
                queryset = queryset.prefetch_related("tags")
            if model is Runbook:
                queryset = queryset.prefetch_related("checks", "fix_steps")
            rows += [
                SearchDocument(kind=kind, object_id=obj.pk, **fields_for(obj))
                for obj in queryset.iterator(chunk_size=500)
            ]
        SearchDocument.objects.bulk_create(rows, batch_size=500)
    bump_version()
    return len(rows)


def bump_version():
    """Typo correction caches its vocabulary per index version (a random token, so a cleared
    cache can never bring back a version some process already built a vocabulary for)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def current_version():
    return cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, None)
