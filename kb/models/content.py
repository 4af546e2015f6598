from collections import defaultdict

from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from core.content import EditorialContent, Indexed, Passage, plain
from core.markup import block_text, passages_of, render_markdown, sections_of
from core.web.pagecache import ShownOnPublicPages
from kb import revisions
from kb.models.freshness import Reviewed, ReviewedQuerySet
from kb.models.publishing import Publishable, PublishableQuerySet


class Tag(ShownOnPublicPages, EditorialContent, models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)

    class Meta:
        # Creation order: the first tag given to a guide reads first in its tag line.
        ordering = ["pk"]

    def __str__(self):
        return self.name


def tag_fields(obj):
    """The tags of a tagged document, as search stores them."""
    tags = list(obj.tags.all())
    return {
        "tags": " ".join(t.name for t in tags),
        "tag_slugs": " " + " ".join(t.slug for t in tags) + " ",
    }


def can_preview_drafts(staff, model):
    """Drafts are for the people who edit them: the model's view (or change) permission, as
    the admin asks; being staff is not enough (support agents are staff). `staff` is who
    accounts.staff.acting_staff says the request acts for (None: nobody)."""
    if staff is None:
        return False
    opts = model._meta
    return any(
        staff.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


class RenderedMarkdownMixin(models.Model):
    """Keeps `body_html` (and the table of contents) in step with `body` on every save."""

    body = models.TextField(blank=True, help_text="Markdown. Rendered and sanitized on save.")
    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        rendered = render_markdown(self.body)
        self.body_html, self.toc = rendered.html, rendered.toc
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "toc"}
        super().save(*args, **kwargs)


class GuideQuerySet(PublishableQuerySet, ReviewedQuerySet):
    def tagged(self, tag_slug):
        if not tag_slug:
            return self
        return self.filter(tags__slug=tag_slug)

    def for_listing(self):
        """Cards need neither the body nor its HTML."""
        return (
            self.defer("body", "body_html", "toc")
            .prefetch_related("tags")
            .order_by("order", "title")
        )


# Every save of these is kept (revision history in the admin); what the save derives is not.


@revisions.register
class Guide(
    ShownOnPublicPages, EditorialContent, Indexed, RenderedMarkdownMixin, Publishable, Reviewed
):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300)
    tags = models.ManyToManyField(Tag, blank=True, related_name="guides")
    order = models.PositiveIntegerField(default=100, help_text="Position on the home page.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    feedback = GenericRelation("kb.Feedback")
    outdated = GenericRelation("kb.OutdatedReport")

    objects = GuideQuerySet.as_manager()

    search_kind, search_kind_label = "guide", "Guide"
    search_prefetch = ("tags",)
    search_sectioned = True

    class Meta:
        ordering = ["order", "title"]
        indexes = [models.Index(fields=["status", "order"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb:guide-detail", args=[self.slug])

    @classmethod
    def search_public(cls):
        return cls.objects.published()

    def search_fields(self):
        return {
            "url": self.get_absolute_url(),
            "title": self.title,
            "codes": "",
            **tag_fields(self),
            "body": f"{self.summary} {plain(self.body_html)}",
        }

    def search_sections(self):
        """A record per h2/h3 (as DocSearch keeps them): a result links to its section."""
        return sections_of(self.body_html)

    def answer_passages(self):
        """Its introduction (the summary, then the text before the first heading) and each
        h2/h3 section."""
        passages = passages_of(self.body_html)
        intro = Passage("", "", self.summary)
        if passages and passages[0].anchor == "":
            intro = intro._replace(text=f"{self.summary}\n{passages.pop(0).text}")
        return [intro, *passages]

    def is_visible_to(self, staff):
        return self.is_published or can_preview_drafts(staff, Guide)

    @property
    def has_long_body(self):
        return len(self.toc) >= 3

    @property
    def toc_tree(self):
        """The flat table of contents as sections, each with its subsections."""
        sections = []
        for entry in self.toc:
            if entry["level"] <= 2 or not sections:
                sections.append({**entry, "children": []})
            else:
                sections[-1]["children"].append(entry)
        return sections

    def related_guides(self, limit=3):
        """Published guides sharing tags or runbooks with this one, the closest first."""
        tags, runbooks = self.tags.all(), self.runbooks.all()
        return (
            Guide.objects.published()
            .exclude(pk=self.pk)
            .filter(Q(tags__in=tags) | Q(runbooks__in=runbooks))
            .annotate(
                shared=Count("tags", filter=Q(tags__in=tags), distinct=True)
                + Count("runbooks", filter=Q(runbooks__in=runbooks), distinct=True)
            )
            .order_by("-shared", "order", "title")
            .defer("body", "body_html", "toc")[:limit]
        )


FAQ_SLUG_LENGTH = 100


@revisions.register
class FAQEntry(ShownOnPublicPages, EditorialContent, Indexed, RenderedMarkdownMixin, Reviewed):
    question = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    order = models.PositiveIntegerField(default=100)
    updated_at = models.DateTimeField(auto_now=True)
    feedback = GenericRelation("kb.Feedback")
    outdated = GenericRelation("kb.OutdatedReport")

    objects = ReviewedQuerySet.as_manager()

    search_kind, search_kind_label = "faq", "FAQ"

    class Meta:
        ordering = ["order", "question"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return f"/#faq-{self.slug}"

    def clean(self):
        super().clean()
        # Its search address names the slug twice (search_fields), in 300 characters.
        if len(self.slug) > FAQ_SLUG_LENGTH:
            why = "the entry's address names it twice"
            raise ValidationError({"slug": f"At most {FAQ_SLUG_LENGTH} characters ({why})."})

    def search_fields(self):
        return {
            "url": f"/?faq={self.slug}#faq-{self.slug}",  # opens the entry, even without JS
            "title": self.question,
            "codes": "",
            "tags": "",
            "tag_slugs": "",
            "body": plain(self.body_html),
        }

    def answer_passages(self):
        """The answer, cited as the entry itself (its id on the home page)."""
        return [Passage(f"faq-{self.slug}", "", block_text(self.body_html))]


@revisions.register
class PageBlock(ShownOnPublicPages, EditorialContent, RenderedMarkdownMixin):
    """An editable block of text on the home page (hero, section introductions)."""

    key = models.SlugField(max_length=50, unique=True)
    eyebrow = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200)
    link_text = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"{self.key}: {self.title}"

    @classmethod
    def as_dict(cls):
        """Blocks by key (`knowledge-base` as `knowledge_base`); a missing block is empty."""
        blocks = defaultdict(cls)
        blocks.update({block.key.replace("-", "_"): block for block in cls.objects.all()})
        return blocks
