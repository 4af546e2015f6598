"""Files customers and agents attach: stored with Django's storage API, served only by views
that check the ticket's private link or the staff member's permission."""

from django.db import models
from django.utils import timezone


class AttachmentQuerySet(models.QuerySet):
    def public(self):
        """What the customer may download: files of messages they can see."""
        return self.filter(message__is_internal=False)

    def pending(self, intake):
        """Files uploaded with a form that came back with errors: kept for its next send."""
        return self.filter(intake=intake, message__isnull=True, ticket__isnull=True)


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

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_image(self):
        return self.kind == self.Kind.IMAGE
