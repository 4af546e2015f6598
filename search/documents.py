"""Turns guides, runbooks and FAQ entries into rows of the search index, and keeps them there."""

import html
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction
from django.utils.html import strip_tags

from kb.models import FAQEntry, Guide
from runbooks.models import Runbook
from search.models import Kind, SearchDocument, SearchSection

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


def _public(model):
    """What the public side shows of a model: published guides and runbooks, every FAQ entry."""
    manager = model.objects
    return manager.published() if hasattr(manager, "published") else manager.all()


def is_public(obj):
    return _public(type(obj)).filter(pk=obj.pk).exists()


# A heading with its id, as core.markup renders it (the ids the guide page links to).
HEADING_RE = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)


def sections_of(body_html):
    """(anchor, heading, plain text up to the next heading) for each h2/h3 of a guide."""
    parts = HEADING_RE.split(body_html or "")
    # [intro, level, id, heading, text, level, id, heading, text, ...]
    return [
        (html.unescape(anchor), plain(heading), plain(text))
        for _, anchor, heading, text in zip(*[iter(parts[1:])] * 4, strict=True)
    ]


def _section_rows(document, sections):
    return [
        SearchSection(
            document=document, position=n, anchor=anchor[:200], heading=heading[:300], text=text
        )
        for n, (anchor, heading, text) in enumerate(sections)
    ]


def index_object(obj):
    """Put one guide, runbook or FAQ entry in the index (or take it out if not public)."""
    kind = KIND_OF[type(obj)]
    if obj.pk is None or not is_public(obj):
        unindex(kind, obj.pk)
        return
    _, fields_for = SOURCES[kind]
    document, _ = SearchDocument.objects.update_or_create(
        kind=kind, object_id=obj.pk, defaults=fields_for(obj)
    )
    if kind == Kind.GUIDE:
        document.sections.all().delete()
        SearchSection.objects.bulk_create(_section_rows(document, sections_of(obj.body_html)))
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
        rows, guides = [], []
        for kind, (model, fields_for) in SOURCES.items():
            queryset = _public(model)
            if model is not FAQEntry:
                queryset = queryset.prefetch_related("tags")
            if model is Runbook:
                queryset = queryset.prefetch_related("checks", "fix_steps")
            for obj in queryset.iterator(chunk_size=500):
                rows.append(SearchDocument(kind=kind, object_id=obj.pk, **fields_for(obj)))
                if kind == Kind.GUIDE:
                    guides.append((rows[-1], sections_of(obj.body_html)))
        SearchDocument.objects.bulk_create(rows, batch_size=500)
        SearchSection.objects.bulk_create(
            [row for document, sections in guides for row in _section_rows(document, sections)],
            batch_size=500,
        )
    bump_version()
    return len(rows)


def bump_version():
    """Typo correction caches its vocabulary per index version (a random token, so a cleared
    cache can never bring back a version some process already built a vocabulary for)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def current_version():
    return cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, None)
