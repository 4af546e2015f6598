"""Private links are stored as hashes, one per email sent; links sent before keep working."""

import hashlib
import re
import secrets

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def hash_existing_tokens(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    TicketLink = apps.get_model("tickets", "TicketLink")
    tickets = Ticket.objects.values_list("pk", "access_token", "created_at")
    TicketLink.objects.bulk_create(
        TicketLink(
            ticket_id=pk,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            created_at=created_at,
        )
        for pk, token, created_at in tickets.iterator()
    )


# A private link in an email body (as tickets.emails.PRIVATE_LINK).
PRIVATE_LINK = re.compile(r"(/support/tickets/)[A-Za-z0-9_-]{20,}/")


def redact_sent_emails(apps, schema_editor):
    """Copies of emails already sent keep no working link (pending and failed ones still have
    to go out, with theirs)."""
    OutboundEmail = apps.get_model("tickets", "OutboundEmail")
    sent = list(OutboundEmail.objects.filter(state="sent").values_list("pk", "body"))
    for pk, body in sent:
        redacted = PRIVATE_LINK.sub(r"\1[private link]/", body)
        if redacted != body:
            OutboundEmail.objects.filter(pk=pk).update(body=redacted)


def new_tokens(apps, schema_editor):
    """Going back: hashes cannot be undone, so each ticket gets a new token (links sent
    before are lost; "Lost your link?" sends new ones)."""
    Ticket = apps.get_model("tickets", "Ticket")
    for ticket in Ticket.objects.filter(access_token__isnull=True).only("pk"):
        ticket.access_token = secrets.token_urlsafe(32)
        ticket.save(update_fields=["access_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_staff_groups"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="tickets.ticket",
                    ),
                ),
            ],
        ),
        # Nullable for the way back, where new tokens are filled in before it is unique again.
        migrations.AlterField(
            model_name="ticket",
            name="access_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(hash_existing_tokens, new_tokens),
        migrations.RunPython(redact_sent_emails, migrations.RunPython.noop),
        migrations.RemoveField(model_name="ticket", name="access_token"),
    ]
