"""The rules shipped with the triggers: today's fixed automations (remind a customer who has
not answered, resolve the ticket if they still do not, close resolved tickets), made from
TICKET_AUTOMATIONS as it is set when this runs, and one example rule (an email whose subject
says URGENT or outage becomes Urgent). Existing tickets get the clocks the rules read (their
channel, when their status last changed, the customer's last message), and a customer
already reminded is not reminded again.

Reversible: the rules go, and the reminders they sent are put back on their tickets."""

from django.conf import settings
from django.db import migrations
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

REMIND = "Remind after {remind} days waiting on the customer"
RESOLVE = "Resolve after {days} days without an answer"
CLOSE = "Close {close} days after resolving"
EXAMPLE = "Outage words"

REMINDER = """Hello {{{{ customer.first_name }}}},

We asked you something about {{{{ ticket.reference }}}} ("{{{{ ticket.subject }}}}") {remind} days ago and have not heard back yet.

If it is solved, you can mark it as solved on the ticket's page. Without a reply, we will mark it as resolved in {resolve} days; replying later opens it again."""

RESOLVED = """Hello {{ customer.first_name }},

We had not heard back about {{ ticket.reference }} ("{{ ticket.subject }}"), so we marked it as resolved.

If you still need help, reply to this email or on the ticket's page, and it opens again."""


def _days():
    rules = getattr(settings, "TICKET_AUTOMATIONS", {})
    return (
        rules.get("remind_after_days", 3),
        rules.get("resolve_after_days", 4),
        rules.get("close_after_days", 7),
    )


def _names():
    remind, resolve, close = _days()
    return (
        REMIND.format(remind=remind),
        RESOLVE.format(days=remind + resolve),
        CLOSE.format(close=close),
    )


def clocks(apps):
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    TicketMessage = apps.get_model("tickets", "TicketMessage")
    moved = TicketEvent.objects.filter(ticket=OuterRef("pk"), field="status")
    said = TicketMessage.objects.filter(
        ticket=OuterRef("pk"), author_kind="customer", is_internal=False
    )
    Ticket.objects.update(
        status_changed_at=Coalesce(
            Subquery(moved.order_by("-created_at", "-pk").values("created_at")[:1]),
            F("created_at"),
        ),
        customer_message_at=Subquery(said.order_by("-created_at", "-pk").values("created_at")[:1]),
    )
    first = TicketMessage.objects.filter(ticket=OuterRef("pk")).order_by("created_at", "pk")
    emailed = Ticket.objects.annotate(first_via=Subquery(first.values("via")[:1]))
    pks = list(emailed.filter(first_via="email").values_list("pk", flat=True))
    for start in range(0, len(pks), 500):
        Ticket.objects.filter(pk__in=pks[start : start + 500]).update(channel="email")


def rules(apps):
    Trigger = apps.get_model("tickets", "Trigger")
    remind, resolve, close = _days()
    remind_name, resolve_name, close_name = _names()
    reminder = Trigger.objects.create(
        name=remind_name,
        description="Shipped as a default (it was a fixed automation).",
        runs_on="time",
        position=100,
    )
    reminder.conditions.create(field="status", operator="is", value="pending")
    reminder.conditions.create(field="since_status", operator="gte", value=f"{remind * 24:g}")
    reminder.actions.create(
        action="email",
        value="We are waiting for your reply",
        text=REMINDER.format(remind=remind, resolve=resolve),
    )
    resolver = Trigger.objects.create(
        name=resolve_name,
        description=f"Shipped as a default: {resolve} days after the reminder.",
        runs_on="time",
        position=110,
    )
    resolver.conditions.create(field="status", operator="is", value="pending")
    resolver.conditions.create(
        field="since_status", operator="gte", value=f"{(remind + resolve) * 24:g}"
    )
    resolver.actions.create(action="status", value="resolved")
    resolver.actions.create(action="email", value="Resolved: {{ ticket.subject }}", text=RESOLVED)
    closer = Trigger.objects.create(
        name=close_name,
        description="Shipped as a default (it was a fixed automation).",
        runs_on="time",
        position=120,
    )
    closer.conditions.create(field="status", operator="is", value="resolved")
    closer.conditions.create(field="since_status", operator="gte", value=f"{close * 24:g}")
    closer.actions.create(action="status", value="closed")
    if not Trigger.objects.filter(name=EXAMPLE).exists():
        example = Trigger.objects.create(
            name=EXAMPLE,
            description="An example: an email whose subject says URGENT or outage is Urgent.",
            runs_on="created",
            position=10,
        )
        example.conditions.create(field="channel", operator="is", value="email")
        example.conditions.create(field="subject", operator="any", value="urgent outage")
        example.actions.create(action="priority", value="4")
    return reminder


def forward(apps, schema_editor):
    clocks(apps)
    reminder = rules(apps)
    Ticket = apps.get_model("tickets", "Ticket")
    TriggerFiring = apps.get_model("tickets", "TriggerFiring")
    reminded = Ticket.objects.filter(status="pending", reminded_at__isnull=False)
    TriggerFiring.objects.bulk_create(
        TriggerFiring(
            trigger=reminder,
            ticket_id=pk,
            fired_at=at,
            event="time",
            summary=f"Trigger '{reminder.name}' emailed the requester"[:200],
        )
        for pk, at in reminded.values_list("pk", "reminded_at")
    )


def backward(apps, schema_editor):
    Trigger = apps.get_model("tickets", "Trigger")
    Ticket = apps.get_model("tickets", "Ticket")
    remind_name, resolve_name, close_name = _names()
    reminder = Trigger.objects.filter(name=remind_name).first()
    if reminder is not None:
        for firing in reminder.firings.order_by("fired_at"):
            Ticket.objects.filter(pk=firing.ticket_id, status="pending").update(
                reminded_at=firing.fired_at
            )
    Trigger.objects.filter(name__in=[remind_name, resolve_name, close_name, EXAMPLE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0025_triggers"),
    ]

    operations = [migrations.RunPython(forward, backward)]
