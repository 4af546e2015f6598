"""Support tickets: what a customer sends, the conversation that follows, and the
audit trail staff leave while triaging it."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.lookups import IsNull
from django.utils import timezone

from core.addresses import address_key, address_key_or_raw
from core.categories import SupportCategory
from core.people import staff_name
from core.sqlconstants import Constant, constants
from tickets.models.fields import WithCustomFields
from tickets.models.fulltext import TicketSearchText
from tickets.models.tags import Tagged
from tickets.models.workflow import (
    FINISHED,
    UNFINISHED,
    WAITING_ON_SUPPORT,
    Priority,
    TicketStatus,
    TicketWorkflow,
)


def new_reply_token():
    return secrets.token_hex(8)


class Channel(models.TextChoices):
    WEB = "web", "Web form"
    EMAIL = "email", "Email"
    # An agent opens a ticket for a customer (services.open_for_customer): how they talked.
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    OTHER = "other", "Other"
    AGENT = "agent", "Opened by an agent"  # before agents said how
    API = "api", "API"


class Reproducibility(models.TextChoices):
    ALWAYS = "always", "Always"
    INTERMITTENT = "intermittent", "Intermittently"
    ONCE = "once", "It happened once"


def triage_stage(constant=None):
    """0 waiting on support, 1 waiting on the customer, 2 finished. The queue orders by it
    with `constant=Constant`, so that SQLite sees the indexed expression (core.sqlconstants);
    the index itself is declared with the plain values."""
    written = constant or str  # a status as the index declares it: its plain value
    number = constant or Value
    return Case(
        When(status__in=[written(s.value) for s in WAITING_ON_SUPPORT], then=number(0)),
        When(status=written(TicketStatus.PENDING.value), then=number(1)),
        default=number(2),
    )


def triage_keys():
    """The queue's order after the stage: the first due (by SLA) first, none due last (as an
    expression both engines index, where NULLS LAST is PostgreSQL's only), then the most
    urgent, then the oldest ticket."""
    return [IsNull(F("sla_due_at"), True).asc(), F("sla_due_at").asc(), F("priority").desc(),
            F("id").asc()]  # fmt: skip


class TicketQuerySet(models.QuerySet):
    def triage_order(self):
        """Waiting on support first, the first due (by SLA) first; then waiting on the
        customer; then finished (read in this order from tickets_triage_order)."""
        return self.annotate(stage=triage_stage(Constant)).order_by("stage", *triage_keys())

    def unfinished(self):
        return self.filter(status__in=constants(UNFINISHED))

    def others_of(self, ticket):
        """The same customer's other tickets (same normal form of the address), newest first."""
        return self.filter(email_key=ticket.email_key).exclude(pk=ticket.pk).order_by("-created_at")

    def organization_others_of(self, ticket):
        """The tickets of other people of the ticket's organization, newest first."""
        if not ticket.organization_id:
            return self.none()
        others = self.filter(organization_id=ticket.organization_id)
        return others.exclude(email_key=ticket.email_key).order_by("-created_at")

    def sla_by_agent(self, days, now=None):
        """Per assignee, of the tickets opened in the last `days`: how many, how many missed
        a target (a breach recorded, or an unfinished one past due now), and the rate. What
        the support lead reads beside satisfaction; worst rate first."""
        from django.contrib.auth import get_user_model

        now = now or timezone.now()
        missed = Q(response_breached=True) | Q(resolution_breached=True)
        missed |= Q(status__in=UNFINISHED, sla_due_at__lt=now)
        rows = (
            self.filter(created_at__gte=now - timedelta(days=days))
            .values("assignee")
            .annotate(total=Count("pk"), breached=Count("pk", filter=missed))
            .order_by()
        )
        ids = {row["assignee"] for row in rows if row["assignee"]}
        users = get_user_model().objects.filter(pk__in=ids)
        names = {u.pk: staff_name(u) for u in users}
        report = [
            {
                "name": names.get(row["assignee"], "Unassigned"),
                "total": row["total"],
                "breached": row["breached"],
                "rate": round(100 * row["breached"] / row["total"]),
            }
            for row in rows
        ]
        return sorted(report, key=lambda r: (-r["rate"], -r["total"], r["name"]))

    def known_customers(self, limit=200):
        """(address, name) of the customers who wrote most recently, one row each: what an
        agent opening a ticket picks from."""
        rows = self.order_by("-created_at").values_list("email_key", "email", "name")
        seen, found = set(), []
        for key, email, name in rows[: limit * 5]:
            if key not in seen:
                seen.add(key)
                found.append((email, name))
        return found[:limit]

    def known_name(self, address):
        """The name a customer gave on their latest ticket that has one, or ''."""
        named = self.for_address(address).exclude(name="").order_by("-created_at")
        return named.values_list("name", flat=True).first() or ""

    def for_address(self, address):
        """The tickets of one customer, by the normal form of their address (see
        core.addresses); none for text that is no address."""
        try:
            return self.filter(email_key=address_key(address))
        except ValueError:
            return self.none()


class Ticket(TicketWorkflow, Tagged, WithCustomFields, models.Model):
    # The emails it came from and that answered it (mail.InboundEmail.owner).
    inbound_emails = GenericRelation(
        "mail.InboundEmail", content_type_field="owner_type", object_id_field="owner_id"
    )
    # NULL only between the insert and the update that derives it from the primary key.
    reference = models.CharField(  # noqa: DJ001
        max_length=20, unique=True, null=True, editable=False
    )

    # What the customer told us.
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(max_length=254)
    # The address's normal form (core.addresses): what "same customer" compares.
    email_key = models.CharField(max_length=320, db_index=True, editable=False)
    subject = models.CharField(max_length=200)
    category = models.CharField(
        max_length=20, choices=SupportCategory, default=SupportCategory.OTHER
    )
    error_message = models.TextField("exact error message", max_length=2000, blank=True)
    endpoint = models.CharField("endpoint path", max_length=300, blank=True)
    request_id = models.CharField("request ID", max_length=100, blank=True, db_index=True)
    reproducibility = models.CharField(max_length=20, choices=Reproducibility, blank=True)
    plan = models.CharField(max_length=50, blank=True)
    model_name = models.CharField(max_length=100, blank=True)
    occurred_at = models.DateTimeField("approximate time", null=True, blank=True)
    occurred_tz = models.CharField("customer's time zone", max_length=64, blank=True)
    description = models.TextField(max_length=5000)

    # Where the customer came from.
    runbook = models.ForeignKey(
        "runbooks.Runbook", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checks_done = models.JSONField(
        "runbook steps already done", default=list, blank=True, editable=False
    )
    search_query = models.CharField(max_length=200, blank=True, editable=False)
    # One id per form shown: a second "Send" of the same form finds the first ticket.
    intake = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    open_incidents = models.JSONField(
        "incidents open when sent", default=list, blank=True, editable=False
    )
    # Email: the token of the ticket's own reply address (support+<token>@..., when plus
    # addressing is on), and the addresses the requester copied on their emails to us, whose
    # replies count as the customer's too.
    reply_token = models.CharField(
        max_length=24, unique=True, default=new_reply_token, editable=False
    )
    cc = models.JSONField("copied addresses", default=list, blank=True, editable=False)

    # How it came in: the contact form, an email, or an agent (rules may depend on it).
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.WEB, editable=False)
    # The agent who opened it for the customer (a phone call, a chat...); None when the
    # customer wrote it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name="opened by",
    )

    # Triage.
    status = models.CharField(max_length=10, choices=TicketStatus, default=TicketStatus.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    group = models.ForeignKey(
        "tickets.AgentGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        help_text="The assignee, if any, must be one of its members.",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    tags = models.ManyToManyField("tickets.Tag", blank=True, related_name="tickets")
    # The customer's organization (tickets.organizations): set when the ticket arrives, and
    # again when an organization's domains or people change.
    organization = models.ForeignKey(
        "tickets.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        editable=False,
    )

    # Clocks.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    waiting_since = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Last customer message not yet answered."
    )
    first_response_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_activity_at = models.DateTimeField(default=timezone.now, editable=False)
    # SLA (tickets.sla, in business hours): the resolution clock pauses while the ticket
    # waits on the customer; due times are stored so the queue sorts by them; breaches stick.
    paused_since = models.DateTimeField(null=True, blank=True, editable=False)
    # Rules (tickets.triggers) count hours since these.
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    customer_message_at = models.DateTimeField(null=True, blank=True, editable=False)
    paused_seconds = models.PositiveIntegerField(default=0, editable=False)
    response_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_breached = models.BooleanField(default=False, editable=False)
    resolution_breached = models.BooleanField(default=False, editable=False)
    # Business time (tickets.sla) from opening to the first response and to the resolution,
    # kept when each happens so reports take medians in the database (insights.support).
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "sla_due_at"]),
            # The reports' periods (insights.support).
            models.Index(fields=["created_at"], name="tickets_created_at"),
            models.Index(fields=["resolved_at"], name="tickets_resolved_at"),
            models.Index(fields=["first_response_at"], name="tickets_first_response_at"),
            # The API's list of one status, newest first (api.tickets.page): walked in
            # order, not all of one status sorted (7x faster at 100,000: make bench-api).
            models.Index(fields=["status", "-id"], name="tickets_status_newest"),
            # The queue's default order (TicketQuerySet.triage_order): its first page is
            # the index's first entries, not every unfinished ticket sorted.
            models.Index(triage_stage(), *triage_keys(), name="tickets_triage_order"),
            # The queue views' counts (tickets.queueviews.views_for) read from the index
            # alone: the unfinished tickets and what the built-in views filter on.
            models.Index(
                fields=["status", "assignee", "group", "priority"],
                condition=Q(status__in=[s.value for s in UNFINISHED]),
                name="tickets_unfinished",
            ),
        ]
        permissions = [("export_ticket", "Can export tickets as CSV")]

    def __str__(self):
        return f"{self.reference} {self.subject}"

    def save(self, *args, **kwargs):
        try:
            self.email_key = address_key(self.email)
        except ValueError:  # forms refuse such an address; keep a key that matches no form
            self.email_key = self.email.strip().lower()
        if kwargs.get("update_fields") is not None and "email" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "email_key"}
        super().save(*args, **kwargs)

    def same_customer(self, other):
        return self.email_key == other.email_key

    def kept(self):
        """The ticket the conversation continues on: this one, or the one it was merged
        into when that is the same customer's (merges never chain, but old data may)."""
        ticket = self
        for _ in range(10):
            kept = ticket.merged_into
            if kept is None or not kept.same_customer(self):
                break
            ticket = kept
        return ticket

    def speaks_for_customer(self, address):
        """Whether mail from `address` counts as the customer's: the requester, or someone
        the requester copied on an email to us."""
        try:
            key = address_key(address)
        except ValueError:
            return False
        return key == self.email_key or key in {address_key_or_raw(a) for a in self.cc}

    @staticmethod
    def reference_for(pk):
        return f"HC-{pk:06d}"

    @property
    def is_finished(self):
        return self.status in FINISHED

    def public_messages(self):
        return self.messages.filter(is_internal=False)

    def refresh_search_text(self):
        """Keep what the queue's search reads in step (tickets.models.fulltext)."""
        TicketSearchText.refresh(self)
