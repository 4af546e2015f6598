"""Who keeps an article right, and when it is due a look: the "needs review" rules.

An article needs review when its review date has come, when readers' answers since the last
review are poor, or when a reader has reported it out of date since then. Marking it reviewed
(`mark_reviewed`) moves the date on and starts the counts again.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

REVIEW_EVERY = timedelta(days=180)
# Poor feedback: at least this many No answers since the last review, and more No than Yes.
POOR_FEEDBACK_MIN_NO = 3
_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def _since_review(model, content_type, **filters):
    """How many rows of `model` (votes, outdated reports) each article got since its review."""
    rows = (
        model.objects.filter(
            content_type=content_type,
            object_id=OuterRef("pk"),
            updated_at__gt=Coalesce(OuterRef("reviewed_at"), Value(_LONG_AGO)),
            **filters,
        )
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class ReviewedQuerySet(models.QuerySet):
    def with_review_signals(self):
        """Counts since the last review (subqueries, so they do not multiply each other)."""
        from kb.models.feedback import Feedback, OutdatedReport

        content_type = ContentType.objects.get_for_model(self.model)
        return self.annotate(
            recent_no=_since_review(Feedback, content_type, helpful=False),
            recent_yes=_since_review(Feedback, content_type, helpful=True),
            outdated_reports=_since_review(OutdatedReport, content_type),
        )

    def needs_review(self, today=None):
        today = today or timezone.localdate()
        return self.with_review_signals().filter(
            Q(review_by__lte=today)
            | Q(recent_no__gte=POOR_FEEDBACK_MIN_NO, recent_no__gt=F("recent_yes"))
            | Q(outdated_reports__gt=0)
        )


class Reviewed(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True},
        help_text="Who keeps this page right; they get the weekly review digest.",
    )
    review_by = models.DateField(
        "review by",
        null=True,
        blank=True,
        help_text="When the owner should check this page again.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def review_reasons(self, today=None):
        """Why this article is in the needs-review list, in words (needs the annotations of
        `with_review_signals()`)."""
        today = today or timezone.localdate()
        reasons = []
        if self.review_by and self.review_by <= today:
            reasons.append(f"review was due {self.review_by:%-d %b %Y}")
        no, yes = getattr(self, "recent_no", 0), getattr(self, "recent_yes", 0)
        if no >= POOR_FEEDBACK_MIN_NO and no > yes:
            reasons.append(f"{no} No to {yes} Yes from readers")
        reports = getattr(self, "outdated_reports", 0)
        if reports:
            reasons.append(
                ngettext(
                    "reported out of date by %(n)d reader",
                    "reported out of date by %(n)d readers",
                    reports,
                )
                % {"n": reports}
            )
        return reasons

    def mark_reviewed(self, *, now=None):
        """The owner has checked it: the next review is due in REVIEW_EVERY, and the feedback
        and reports so far no longer count."""
        now = now or timezone.now()
        self.reviewed_at = now
        self.review_by = timezone.localdate(now) + REVIEW_EVERY
        self.save(update_fields=["reviewed_at", "review_by"])
