import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class FeedbackQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def voter_fingerprint(browser_id: str) -> str:
    """Votes are keyed by a hash of the browser's random cookie, never the cookie itself."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{browser_id}".encode()).hexdigest()


class ReaderReport(models.Model):
    """What one browser (by a hash of its cookie) sent about one page: one row per browser
    and page, updated when sent again."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    voter = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-updated_at"]


class Feedback(ReaderReport):
    """A reader's Yes or No on a guide or runbook, one per browser, with an optional reason."""

    helpful = models.BooleanField()
    reason = models.CharField(max_length=500, blank=True)

    class Meta(ReaderReport.Meta):
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


class OutdatedReport(ReaderReport):
    """A reader's "this page is out of date", one per browser and article (sent again, it
    updates the note and the time). It puts the article in the needs-review list."""

    note = models.CharField(max_length=500, blank=True)

    class Meta(ReaderReport.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "voter"],
                name="one_outdated_report_per_browser",
            )
        ]

    def __str__(self):
        return f"Out of date: {self.target}"

    @classmethod
    def record(cls, *, target, browser_id, note=""):
        report, _ = cls.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            voter=voter_fingerprint(browser_id),
            defaults={"note": note},
        )
        return report

    @classmethod
    def current(cls, *, target, browser_id):
        if not browser_id:
            return None
        return cls.objects.for_object(target).filter(voter=voter_fingerprint(browser_id)).first()
