"""Files customers and agents attach: stored with Django's storage API, served only by views
that check the ticket's private link or the staff member's permission."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

UNCLAIMED = Q(ticket__isnull=True, message__isnull=True)


class AttachmentQuerySet(models.QuerySet):
    def public(self):
        """What the customer may download: files of messages they can see."""
        return self.filter(message__is_internal=False)

    def pending(self, intake):
        """Files uploaded with a form that came back with errors: kept for its next send."""
        return self.filter(UNCLAIMED, intake=intake)

    def unclaimed(self):
        """Files no ticket has taken: those of forms that came back with errors."""
        return self.filter(UNCLAIMED)

    def expired(self, now):
        """Unclaimed files that have waited TICKET_PENDING_UPLOAD_MINUTES: deleted."""
        return self.unclaimed().filter(uploaded_at__lt=expiry(now))

    def waiting(self, now):
        """Unclaimed files still kept for their form's next send."""
        return self.unclaimed().filter(uploaded_at__gte=expiry(now))

    def total_size(self):
        return self.aggregate(total=Sum("size"))["total"] or 0


def expiry(now):
    """Files of unsent forms uploaded before this are no longer kept."""
    return now - timedelta(minutes=settings.TICKET_PENDING_UPLOAD_MINUTES)


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        PDF = "pdf", "PDF"
        TEXT = "text", "Text or log"
        ARCHIVE = "archive", "Zip archive"

    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    message = models.ForeignKey(
        "tickets.TicketMessage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=200)
    name = models.CharField(max_length=150, help_text="The file's name as sent (cleaned).")
    content_type = models.CharField(max_length=100, help_text="Found from the content.")
    kind = models.CharField(max_length=10, choices=Kind)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    # A form sent with errors keeps its valid files under the form's intake id.
    intake = models.CharField(max_length=40, blank=True, db_index=True)
    # ...and the network it came from (as the rate limits key it: core.web.ip.network), so
    # one network cannot fill the disk with files of forms it never sends. Cleared when a
    # ticket takes the file.
    network = models.CharField(max_length=45, blank=True, editable=False)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [
            # The caps on files waiting for their form: few rows, read on every such send.
            models.Index(
                fields=["network", "uploaded_at"], condition=UNCLAIMED, name="attachment_waiting"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_image(self):
        return self.kind == self.Kind.IMAGE
