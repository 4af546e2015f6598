import re

import reversion
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from core.categories import SupportCategory
from core.content import EditorialContent, Indexed, IndexedPart, Passage, plain
from core.markup import block_text
from core.web.pagecache import ShownOnPublicPages
from kb import revisions
from kb.models import (
    Guide,
    Publishable,
    PublishableQuerySet,
    RenderedMarkdownMixin,
    Reviewed,
    ReviewedQuerySet,
    Tag,
    can_preview_drafts,
    tag_fields,
)

ERROR_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_error_codes(value):
    return [code.strip() for code in re.split(r"[,\s]+", value or "") if code.strip()]


def validate_error_codes(value):
    bad = [code for code in parse_error_codes(value) if not ERROR_CODE_RE.match(code)]
    if bad:
        raise ValidationError(
            "Error codes are snake_case words separated by commas; not valid: %(bad)s",
            params={"bad": ", ".join(bad)},
        )


class RunbookQuerySet(PublishableQuerySet, ReviewedQuerySet):
    def for_listing(self):
        return self.prefetch_related("tags", "checks", "fix_steps").order_by("order", "title")


@revisions.register(follow=["checks", "fix_steps"])
class Runbook(
    ShownOnPublicPages, EditorialContent, Indexed, RenderedMarkdownMixin, Publishable, Reviewed
):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300, help_text="The symptom, as the customer sees it.")
    error_codes = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_error_codes],
        help_text="Error codes this runbook covers, comma separated (e.g. billing_required).",
    )
    escalation = models.TextField(help_text="When to contact support, and what to send.")
    support_category = models.CharField(
        max_length=20,
        choices=SupportCategory,
        default=SupportCategory.OTHER,
        help_text="The category a support ticket opened from this runbook starts with.",
    )
    related_guides = models.ManyToManyField(Guide, blank=True, related_name="runbooks")
    tags = models.ManyToManyField(Tag, blank=True, related_name="runbooks")
    order = models.PositiveIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    feedback = GenericRelation("kb.Feedback")
    outdated = GenericRelation("kb.OutdatedReport")

    objects = RunbookQuerySet.as_manager()

    search_kind, search_kind_label = "runbook", "Runbook"
    search_prefetch = ("tags", "checks", "fix_steps")

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("runbooks:runbook-detail", args=[self.slug])

    @classmethod
    def search_public(cls):
        return cls.objects.published()

    def search_fields(self):
        steps = " ".join(c.text for c in self.checks.all())
        steps += " " + " ".join(s.text for s in self.fix_steps.all())
        return {
            "url": self.get_absolute_url(),
            "title": self.title,
            "codes": " ".join(self.codes),
            **tag_fields(self),
            "body": f"{self.summary} {steps} {self.escalation} {plain(self.body_html)}",
        }

    def answer_passages(self):
        """The symptom, why it happens, each check and fix step, and the escalation, with the
        ids the runbook page gives them (templates/runbooks/runbook_detail.html)."""
        passages = [Passage("", "Symptom", self.summary)]
        if why := block_text(self.body_html):
            passages.append(Passage("why-title", "Why this happens", why))
        for n, check in enumerate(self.checks.all(), 1):
            passages.append(Passage(f"check-{n}", f"Check {n}", check.text))
        for n, step in enumerate(self.fix_steps.all(), 1):
            passages.append(Passage(f"fix-{n}", f"Fix step {n}", step.text))
        passages.append(Passage("escalation-title", "Escalation", self.escalation))
        return [p for p in passages if p.text.strip()]

    @property
    def codes(self):
        return parse_error_codes(self.error_codes)

    def is_visible_to(self, staff):
        return self.is_published or can_preview_drafts(staff, Runbook)


class RunbookItem(EditorialContent, IndexedPart, models.Model):
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text

    def search_whole(self):
        return Runbook.objects.filter(pk=self.runbook_id).first()


@reversion.register()
class RunbookCheck(ShownOnPublicPages, RunbookItem):
    runbook = models.ForeignKey(Runbook, on_delete=models.CASCADE, related_name="checks")

    class Meta(RunbookItem.Meta):
        verbose_name = "check"


@reversion.register()
class RunbookFixStep(ShownOnPublicPages, RunbookItem):
    runbook = models.ForeignKey(Runbook, on_delete=models.CASCADE, related_name="fix_steps")

    class Meta(RunbookItem.Meta):
        verbose_name = "fix step"
