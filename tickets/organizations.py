"""Which organization a customer's tickets belong to: set when a ticket arrives, and set
again on every ticket concerned when an organization's domains or people change (their
service-level due times follow the new plan)."""

from django.db import transaction
from django.db.models import Count, Max, Q

from tickets.models import (
    UNFINISHED,
    Organization,
    OrganizationDomain,
    OrganizationMember,
    Priority,
    Ticket,
)
from tickets.models.organizations import parent_domains

CHUNK = 500


def join(ticket):
    """A new ticket's organization, and the plan's priority for it (a ticket that did not
    come with another priority)."""
    ticket.organization = Organization.objects.for_address(ticket.email)
    plan = ticket.organization.plan if ticket.organization else None
    if plan and plan.default_priority and ticket.priority == Priority.NORMAL:
        ticket.priority = plan.default_priority


def organizations_for(keys):
    """{address key: organization id or None}, for many customers in a few queries."""
    keys = list(keys)
    members = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        rows = OrganizationMember.objects.filter(email_key__in=chunk)
        members.update(rows.values_list("email_key", "organization_id"))
    domains = dict(OrganizationDomain.objects.values_list("domain", "organization_id"))
    found = {}
    for key in keys:
        organization = members.get(key)
        if organization is None:
            for domain in parent_domains(key.rpartition("@")[2]):
                if domain in domains:
                    organization = domains[domain]
                    break
        found[key] = organization
    return found


@transaction.atomic
def relink(organization):
    """After an organization's domains or people changed (or before it is deleted): every
    ticket that is or may be its own gets the organization it belongs to now. Returns how
    many tickets changed."""
    concerned = Q(organization=organization) | Q(
        email_key__in=organization.members.values("email_key")
    )
    for domain in organization.domains.values_list("domain", flat=True):
        concerned |= Q(email_key__endswith=f"@{domain}") | Q(email_key__endswith=f".{domain}")
    keys = set(Ticket.objects.filter(concerned).values_list("email_key", flat=True))
    changed = 0
    for key, organization_id in organizations_for(keys).items():
        moved = Ticket.objects.filter(email_key=key).exclude(organization_id=organization_id)
        changed += _move(moved, organization_id)
    return changed


@transaction.atomic
def refresh_due_times(*, plan=None, organization=None):
    """A plan's targets, or an organization's plan, changed: their unfinished tickets get
    new due times."""
    tickets = Ticket.objects.filter(status__in=UNFINISHED)
    if plan is not None:
        tickets = tickets.filter(organization__plan=plan)
    if organization is not None:
        tickets = tickets.filter(organization=organization)
    for ticket in tickets.select_for_update():
        ticket.recompute_sla()
        ticket.save(update_fields=["response_due_at", "resolution_due_at", "sla_due_at"])


def _move(tickets, organization_id):
    changed = 0
    for ticket in tickets.select_for_update():
        ticket.organization_id = organization_id
        fields = ["organization"]
        if ticket.status in UNFINISHED:
            ticket.recompute_sla()
            fields += ["response_due_at", "resolution_due_at", "sla_due_at"]
        ticket.save(update_fields=fields)
        ticket.refresh_search_text()
        changed += 1
    return changed


def people(organization, limit=50):
    """Who wrote from the organization: each address with their name, tickets and the last
    one, the latest first."""
    rows = (
        Ticket.objects.filter(organization=organization)
        .values("email_key")
        .annotate(tickets=Count("pk"), name=Max("name"), email=Max("email"))
        .annotate(last=Max("created_at"))
        .order_by("-last")
    )
    return list(rows[:limit])
