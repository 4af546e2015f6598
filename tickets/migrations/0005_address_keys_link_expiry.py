"""Security fixes (issue 10):

- Ticket.email_key: the normal form of the address, compared with equality (no more
  `email__iexact`, which PostgreSQL's UPPER() let `gmaıl.com` match `gmail.com`).
- TicketLink.last_used_at: each link expires on its own clock; Ticket.link_sent_at, which
  revived every old link when new ones were asked for, goes.
- OutboundEmail.link_tickets: stored bodies hold "[private link N]" placeholders and links are
  minted at send time. Bodies still holding a link (pending, failed, gave up) are converted,
  and the unsent link is dropped.
"""

import hashlib
import re

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def address_key(address):
    """As core.addresses.address_key (copied: a migration must not change later)."""
    local, at, domain = address.strip().rpartition("@")
    try:
        if not at or not local or not domain or not local.isascii():
            raise ValueError
        domain = domain.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return address.strip().lower()
    return f"{local.lower()}@{domain.lower()}"


def fill_address_keys(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    for pk, email in Ticket.objects.values_list("pk", "email").iterator():
        Ticket.objects.filter(pk=pk).update(email_key=address_key(email))


def last_use_of_links(apps, schema_editor):
    """A link's last use is not known; the customer's last message on its ticket is the best
    evidence of one. Links with none are as old as they are."""
    TicketLink = apps.get_model("tickets", "TicketLink")
    TicketMessage = apps.get_model("tickets", "TicketMessage")
    last_message = (
        TicketMessage.objects.filter(ticket=OuterRef("ticket"), author_kind="customer")
        .values("ticket")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    for link in TicketLink.objects.annotate(last=Subquery(last_message)).filter(
        last__isnull=False
    ):
        if link.last > link.created_at:
            TicketLink.objects.filter(pk=link.pk).update(last_used_at=link.last)


PRIVATE_LINK = re.compile(r"https?://[^\s/]+/support/tickets/([A-Za-z0-9_-]{20,})/")
REDACTED = re.compile(r"https?://[^\s/]+/support/tickets/\[private link\]/")


def placeholders_for_links(apps, schema_editor):
    OutboundEmail = apps.get_model("tickets", "OutboundEmail")
    TicketLink = apps.get_model("tickets", "TicketLink")
    rows = OutboundEmail.objects.filter(body__contains="/support/tickets/")
    for email in rows.iterator():
        tickets, unsent = [], []

        def placeholder(match):
            token_hash = hashlib.sha256(match.group(1).encode()).hexdigest()
            link = (
                TicketLink.objects.filter(token_hash=token_hash)
                .select_related("ticket")
                .first()
            )
            if link is None:
                return "[private link]"
            # A link minted for this email, which was never delivered (a token from before
            # hashing was the ticket's one link, in every email: it was delivered too).
            if link.created_at != link.ticket.created_at:
                unsent.append(link.pk)
            if link.ticket_id not in tickets:
                tickets.append(link.ticket_id)
            return f"[private link {tickets.index(link.ticket_id) + 1}]"

        body = PRIVATE_LINK.sub(placeholder, email.body)
        body = REDACTED.sub("[private link]", body)
        if email.state != "sent":
            # Never delivered, so only someone reading the stored copy knew the link: it
            # goes, and sending mints a new one.
            TicketLink.objects.filter(pk__in=unsent).delete()
        OutboundEmail.objects.filter(pk=email.pk).update(body=body, link_tickets=tickets)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_email_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="email_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=320),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="ticket",
            name="email",
            field=models.EmailField(max_length=254),
        ),
        migrations.AddField(
            model_name="ticketlink",
            name="last_used_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="link_tickets",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(fill_address_keys, migrations.RunPython.noop),
        migrations.RunPython(last_use_of_links, migrations.RunPython.noop),
        migrations.RunPython(placeholders_for_links, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="ticket",
            name="link_sent_at",
        ),
    ]
