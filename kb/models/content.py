from collections import defaultdict

import reversion
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from core.markup import render_markdown
from core.web.pagecache import ShownOnPublicPages
from kb.models.freshness import Reviewed, ReviewedQuerySet
from kb.models.publishing import Publishable, PublishableQuerySet


class Tag(ShownOnPublicPages, models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)

    class Meta:
        # Creation order: the first tag given to a guide reads first in its tag line.
        ordering = ["pk"]

    def __str__(self):
        return self.name


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
NOT_KEPT = ["body_html", "toc", "reviewed_at"]


@reversion.register(exclude=NOT_KEPT)
class Guide(ShownOnPublicPages, RenderedMarkdownMixin, Publishable, Reviewed):
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

    class Meta:
        ordering = ["order", "title"]
        indexes = [models.Index(fields=["status", "order"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb:guide-detail", args=[self.slug])

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


@reversion.register(exclude=NOT_KEPT)
class FAQEntry(ShownOnPublicPages, RenderedMarkdownMixin, Reviewed):
    question = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    order = models.PositiveIntegerField(default=100)
    updated_at = models.DateTimeField(auto_now=True)
    feedback = GenericRelation("kb.Feedback")
    outdated = GenericRelation("kb.OutdatedReport")

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "question"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return f"/#faq-{self.slug}"


@reversion.register(exclude=NOT_KEPT)
class PageBlock(ShownOnPublicPages, RenderedMarkdownMixin):
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
