import hashlib
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from helpcenter.markup import render_markdown


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)

    class Meta:
        # Creation order: the first tag given to a guide reads first in its tag line.
        ordering = ["pk"]

    def __str__(self):
        return self.name


def can_preview_drafts(user, model):
    """Drafts are for the people who edit them: the model's view (or change) permission, as
    the admin asks; being staff is not enough (support agents are staff)."""
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
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


class PublishState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublishState.PUBLISHED)

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


class Guide(RenderedMarkdownMixin):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300)
    tags = models.ManyToManyField(Tag, blank=True, related_name="guides")
    status = models.CharField(max_length=10, choices=PublishState, default=PublishState.DRAFT)
    order = models.PositiveIntegerField(default=100, help_text="Position on the home page.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    feedback = GenericRelation("kb.Feedback")

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        indexes = [models.Index(fields=["status", "order"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb:guide-detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == PublishState.PUBLISHED

    def is_visible_to(self, user):
        return self.is_published or can_preview_drafts(user, Guide)

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


class FAQEntry(RenderedMarkdownMixin):
    question = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    order = models.PositiveIntegerField(default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "question"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self):
        return self.question


class PageBlock(RenderedMarkdownMixin):
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


class FeedbackQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def voter_fingerprint(browser_id: str) -> str:
    """Votes are keyed by a hash of the browser's random cookie, never the cookie itself."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{browser_id}".encode()).hexdigest()


class Feedback(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    voter = models.CharField(max_length=64, editable=False)
    helpful = models.BooleanField()
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "voter"], name="one_vote_per_browser"
            )
        ]

    def __str__(self):
        return f"{'Yes' if self.helpful else 'No'} on {self.target}"

    @classmethod
    def record(cls, *, target, browser_id, helpful, reason=""):
        """A changed answer sent with the reason the previous answer carried (still in the box
        the widget filled in) does not inherit it: why No was said is not why Yes is."""
        previous = cls.current(target=target, browser_id=browser_id)
        if previous and previous.helpful != helpful and reason == previous.reason:
            reason = ""
        vote, _ = cls.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            voter=voter_fingerprint(browser_id),
            defaults={"helpful": helpful, "reason": reason},
        )
        return vote

    @classmethod
    def current(cls, *, target, browser_id):
        if not browser_id:
            return None
        return cls.objects.for_object(target).filter(voter=voter_fingerprint(browser_id)).first()
