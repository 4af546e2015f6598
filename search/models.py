"""The search index (one row per searchable document, and one per section) and the synonyms
editors keep.

The full-text part of the index lives beside `SearchDocument` and depends on the engine:
an FTS5 table kept in step by triggers on SQLite, a weighted stored tsvector with a GIN index
on PostgreSQL (see migrations/0002). `search.engine` queries whichever is in use.
"""

from django.core.exceptions import ValidationError
from django.db import models

from core.content import indexed_kinds
from core.web.pagecache import ShownOnPublicPages
from search.words import STOP_WORDS, WORD_RE


class SearchDocument(ShownOnPublicPages, models.Model):
    # The indexed model's search_kind (core.content.Indexed): "guide", "runbook", "faq"...
    kind = models.CharField(max_length=10)
    object_id = models.PositiveBigIntegerField()
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    codes = models.TextField(blank=True, help_text="Error codes the document declares.")
    tags = models.TextField(blank=True, help_text="Tag names, space-separated.")
    body = models.TextField(blank=True, help_text="Plain text: summary, steps and body.")
    tag_slugs = models.TextField(blank=True, help_text="' slug1 slug2 ' for filtering.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_unique")
        ]

    def __str__(self):
        model = indexed_kinds().get(self.kind)
        return f"{model.search_kind_label if model else self.kind}: {self.title}"


class SearchSection(ShownOnPublicPages, models.Model):
    """One heading of an indexed guide and the text under it, up to the next heading: a record
    per heading, as DocSearch keeps them. A guide found by the index is linked to the section
    that holds what was searched for (search.sections)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    anchor = models.CharField(max_length=200, help_text="The heading's id on the guide page.")
    heading = models.CharField(max_length=300)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="search_section_unique")
        ]

    def __str__(self):
        return f"{self.document.title} › {self.heading}"


def synonym_key(term):
    """A synonym term as the query parser sees words: lower case, without the words too common
    to search for ("log in" -> "log", "two-factor" -> "two factor")."""
    words = WORD_RE.findall(term.lower())
    return " ".join(w for w in words if w not in STOP_WORDS and len(w) > 1)


class Synonym(ShownOnPublicPages, models.Model):
    """Words customers use for what the content names differently, kept by editors.

    Searching one term finds what any term of the group finds (or, one way, the first term
    finds what the others find). Both engines expand the query with them; the results never
    say the query was rewritten.
    """

    MAX_WORDS = 3  # a term is a word or a short phrase

    terms = models.CharField(
        max_length=300,
        help_text="Words or short phrases that mean the same here, separated by commas: "
        "“sign in, log in, login”.",
    )
    one_way = models.BooleanField(
        "one way",
        default=False,
        help_text="Only the first term finds the others: “api token, api key” makes a search "
        "for api token find API keys, and a search for api key find nothing more.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return self.terms

    def keys(self):
        """The terms as searched, in order, without repeats."""
        return list(dict.fromkeys(k for k in map(synonym_key, self.terms.split(",")) if k))

    def clean(self):
        terms = [t.strip() for t in self.terms.split(",") if t.strip()]
        empty = [t for t in terms if not synonym_key(t)]
        if empty:
            raise ValidationError(
                {"terms": f"“{empty[0]}” has no word to search for (too short or too common)."}
            )
        long = [t for t in terms if len(synonym_key(t).split()) > self.MAX_WORDS]
        if long:
            raise ValidationError(
                {"terms": f"“{long[0]}” is long: keep each term to {self.MAX_WORDS} words."}
            )
        if len(self.keys()) < 2:
            raise ValidationError({"terms": "Give at least two different terms, with commas."})
        self.terms = ", ".join(terms)
