"""When an article (a guide or a runbook) is public: its publish states, the one table of
moves between them, and the times the publishing clock moves it at.

Every change of publish state goes through `transition()` (the clock, code) or is checked
against the same table by `check_move()` (the admin form, before it saves).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class PublishState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


P = PublishState
# The only moves there are. Scheduled goes live by the clock at `publish_at` (or by hand);
# a published page comes down (Unpublished, by hand or by the clock at `unpublish_at`) or goes
# back to Draft for rework; an unpublished one can come back, now or on a schedule.
TRANSITIONS = {
    P.DRAFT: {P.SCHEDULED, P.PUBLISHED},
    P.SCHEDULED: {P.DRAFT, P.PUBLISHED},
    P.PUBLISHED: {P.UNPUBLISHED, P.DRAFT},
    P.UNPUBLISHED: {P.DRAFT, P.SCHEDULED, P.PUBLISHED},
}


class IllegalPublishMove(ValueError):
    pass


def _labels(states):
    return " or ".join(sorted(P(state).label.lower() for state in states))


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=P.PUBLISHED)

    def due_to_publish(self, now):
        return self.filter(status=P.SCHEDULED, publish_at__lte=now)

    def due_to_unpublish(self, now):
        return self.filter(status=P.PUBLISHED, unpublish_at__lte=now)


class Publishable(models.Model):
    status = models.CharField(
        "publish state",
        max_length=12,
        choices=PublishState,
        default=P.DRAFT,
        help_text="Scheduled goes live at “Publish at”, by the publishing clock.",
    )
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled page goes live."
    )
    unpublish_at = models.DateTimeField(
        null=True, blank=True, help_text="When a published page comes down by itself (optional)."
    )

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == P.PUBLISHED

    def stored_state(self):
        if self.pk is None:
            return P.DRAFT
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True)
        return P(stored.first() or P.DRAFT)

    @staticmethod
    def check_move(old, to, *, publish_at=None, unpublish_at=None, now=None):
        """Raise IllegalPublishMove unless the table allows `old` -> `to` with these times."""
        old, to = P(old), P(to)
        now = now or timezone.now()
        if to != old and to not in TRANSITIONS[old]:
            raise IllegalPublishMove(
                f"A {old.label.lower()} page cannot become {to.label.lower()}: "
                f"it can become {_labels(TRANSITIONS[old])}."
            )
        if to == P.SCHEDULED and (publish_at is None or publish_at <= now):
            raise IllegalPublishMove("To schedule a page, give a “Publish at” time in the future.")
        if publish_at and unpublish_at and unpublish_at <= publish_at:
            raise IllegalPublishMove("“Unpublish at” must come after “Publish at”.")

    def transition(self, to, *, now=None, save=True):
        """Move to publish state `to`. Returns False when already there. The times that did
        their work are cleared, so a page put back to Draft is not published again by them."""
        to, old = P(to), P(self.status)
        if to == old:
            return False
        now = now or timezone.now()
        self.check_move(
            old, to, publish_at=self.publish_at, unpublish_at=self.unpublish_at, now=now
        )
        self.status = to
        if to != P.SCHEDULED and self.publish_at and self.publish_at <= now:
            self.publish_at = None
        if to in (P.UNPUBLISHED, P.DRAFT) and self.unpublish_at and self.unpublish_at <= now:
            self.unpublish_at = None
        if save:
            self.save()
        return True

    def clean(self):
        super().clean()
        if self.status not in P.values:
            return  # the field's own check says so
        try:
            self.check_move(
                self.stored_state(),
                self.status,
                publish_at=self.publish_at,
                unpublish_at=self.unpublish_at,
            )
        except IllegalPublishMove as error:
            raise ValidationError({"status": str(error)}) from None
