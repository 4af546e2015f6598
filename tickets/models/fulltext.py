"""What the queue's search reads of a ticket: one row per ticket holding its text, in three
parts weighed apart (what names the ticket, the conversation, internal notes).

The full-text index beside it is the search app's, built the same way for each engine
(migration 0029): an FTS5 table kept in step by triggers on SQLite, a weighted stored
tsvector with a GIN index on PostgreSQL. The service layer (tickets.services and the few
model methods that change tags and fields) refreshes the row after each change, so the
queue finds a message the moment it is stored.
"""

from django.db import models

HEAD_FIELDS = ("reference", "subject", "name", "email", "request_id", "error_message", "endpoint")


class TicketSearchText(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="search_text"
    )
    head = models.TextField(
        blank=True,
        help_text="Reference, subject, requester, organization, tags, field values, file names.",
    )
    body = models.TextField(blank=True, help_text="Every message the customer can see.")
    notes = models.TextField(blank=True, help_text="Internal notes: staff only.")

    def __str__(self):
        return f"Search text of ticket {self.ticket_id}"

    @classmethod
    def texts_of(cls, ticket):
        """(head, body, notes) of a ticket as stored now."""
        head = [getattr(ticket, name) or "" for name in HEAD_FIELDS]
        if ticket.organization_id:
            head.append(ticket.organization.name)
        head += ticket.tags.values_list("name", flat=True)
        head += ticket.field_values.values_list("value", flat=True)
        head += ticket.files.values_list("name", flat=True)
        body, notes = [], []
        for text, internal in ticket.messages.values_list("body", "is_internal"):
            (notes if internal else body).append(text)
        return "\n".join(h for h in head if h), "\n\n".join(body), "\n\n".join(notes)

    @classmethod
    def refresh(cls, ticket):
        """Store the ticket's text as it is now (after any change of what is searched)."""
        head, body, notes = cls.texts_of(ticket)
        # One upsert (INSERT ... ON CONFLICT DO UPDATE, on both engines), not a read, a
        # savepoint and a write: it runs on every change of a ticket.
        cls.objects.bulk_create(
            [cls(ticket_id=ticket.pk, head=head, body=body, notes=notes)],
            update_conflicts=True,
            unique_fields=["ticket"],
            update_fields=["head", "body", "notes"],
        )
