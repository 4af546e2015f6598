"""The search index (one row per searchable document) and the log of what people searched.

The full-text part of the index lives beside `SearchDocument` and depends on the engine:
an FTS5 table kept in step by triggers on SQLite, a weighted stored tsvector with a GIN index
on PostgreSQL (see migrations/0002). `search.engine` queries whichever is in use.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from core.web.pagecache import ShownOnPublicPages
from search.events import result_opened, search_performed
from search.words import STOP_WORDS, WORD_RE


class Kind(models.TextChoices):
    GUIDE = "guide", "Guide"
    RUNBOOK = "runbook", "Runbook"
    FAQ = "faq", "FAQ"


class SearchDocument(ShownOnPublicPages, models.Model):
    kind = models.CharField(max_length=10, choices=Kind.choices)
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
        return f"{self.get_kind_display()}: {self.title}"


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


class SearchQueryQuerySet(models.QuerySet):
    def found_nothing(self):
        return self.filter(zero_results__gt=0)

    def found_but_unopened(self):
        return self.filter(last_results__gt=0, opens=0)


class SearchQuery(models.Model):
    """One normalized query text: how often it was searched, found nothing, led to a page.

    No personal data: no IP, no user, no session; just the normalized words.
    """

    text = models.CharField(max_length=200, unique=True)
    searches = models.PositiveIntegerField(default=0)
    zero_results = models.PositiveIntegerField(default=0)
    opens = models.PositiveIntegerField(default=0)
    last_results = models.PositiveIntegerField(default=0)
    last_seen = models.DateTimeField(default=timezone.now)

    objects = SearchQueryQuerySet.as_manager()

    class Meta:
        verbose_name = "content gap"
        verbose_name_plural = "content gaps (searches)"
        ordering = ["-zero_results", "-searches"]

    def __str__(self):
        return self.text

    @classmethod
    def record(cls, text, *, total, tag=None):
        """Count a search. Searches of everything only: a query that finds nothing under
        one tag is no gap in the content."""
        if not text or tag:
            return
        row, _ = cls.objects.get_or_create(text=text[:200])
        cls.objects.filter(pk=row.pk).update(
            searches=F("searches") + 1,
            zero_results=F("zero_results") + (1 if total == 0 else 0),
            last_results=total,
            last_seen=timezone.now(),
        )
        search_performed.send(sender=cls, text=row.text, total=total)

    @classmethod
    def record_open(cls, text):
        """A result was opened. Live (as-you-type) searches are logged only when this happens."""
        if text:
            row, created = cls.objects.get_or_create(text=text[:200], defaults={"searches": 1})
            cls.objects.filter(pk=row.pk).update(opens=F("opens") + 1, last_seen=timezone.now())
            result_opened.send(sender=cls, text=row.text)


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
