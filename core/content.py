"""What a content model declares about itself, so that platform code (search, the publishing
clock, the review digest, staff roles, the page cache) finds it through the app registry
instead of naming it, as Wagtail's `get_indexed_models()` does.

A new content type is one model that subclasses the contracts it keeps, plus its admin:

- `EditorialContent`: content editors manage it (every permission on it; accounts.roles).
- `Indexed`: its public rows are searchable; it says what a search document of it holds.
- `IndexedPart`: a row that is part of an indexed one (a runbook's check): a write to it
  indexes its whole again.
- Publishable and Reviewed (kb.models) carry their own fields and QuerySets; the publishing
  clock and the review digest (editorial) find their subclasses the same way.
- ShownOnPublicPages (core.web.pagecache): a write empties the page cache.
"""

import html
from typing import NamedTuple

from django.apps import apps
from django.utils.html import strip_tags


def plain(html_text):
    """Text of sanitised HTML, whitespace folded (what search indexes and quotes)."""
    return " ".join(html.unescape(strip_tags(html_text or "")).split())


class EditorialContent:
    """Content editors add, change and delete rows of this model."""

    edited_by_content_editors = True


class Passage(NamedTuple):
    """A part of a document that a direct answer may quote and cite (answers).

    `anchor`: the id of its element on the document's page ("" for the page itself);
    `heading`: what the citation names after the title ("" for none); `text`: plain text,
    one block (paragraph, list item, table row) a line: answers quote whole sentences of it.
    """

    anchor: str
    heading: str
    text: str


class Indexed:
    """A model whose public rows the search index holds, one document each."""

    # The document's kind, stored in the index (at most 10 characters), and its label.
    search_kind = ""
    search_kind_label = ""
    # Related rows a document needs (prefetched when the whole index is rebuilt).
    search_prefetch = ()
    # Whether documents have sections (search_sections) that results may link to.
    search_sectioned = False

    @classmethod
    def search_public(cls):
        """The rows the public side shows (and so the index holds)."""
        return cls.objects.all()

    def search_fields(self):
        """{"url", "title", "codes", "tags", "tag_slugs", "body"} of its document."""
        raise NotImplementedError

    def search_sections(self):
        """[(anchor, heading, text)] of the parts a result may link to; none by default."""
        return []

    def answer_passages(self):
        """[Passage] a direct answer may quote, each with the anchor a citation links to:
        by default the search sections (a model with finer parts, such as a runbook's
        checks, or a page of its own, such as an FAQ entry, says so itself)."""
        return [Passage(anchor, heading, text) for anchor, heading, text in self.search_sections()]


class IndexedPart:
    """A row that belongs to an indexed one: `search_whole()` is the row to index again."""

    def search_whole(self):
        raise NotImplementedError


def models_with(contract):
    """The installed models that keep `contract`, in the registry's order."""
    return [model for model in apps.get_models() if issubclass(model, contract)]


def indexed_models():
    return models_with(Indexed)


def indexed_kinds():
    """{kind: model} for every indexed model."""
    return {model.search_kind: model for model in indexed_models()}


def editorial_models():
    return models_with(EditorialContent)
