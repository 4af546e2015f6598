"""Triggers: the admins' rules, run on a ticket at each event (its creation by any
channel, a customer's reply, a staff update) through the service layer, and by the clock
for the rules on time (`run_time_rules`, the clock's tickets.time_rules job).

Loop-safe: a ticket's pass runs every rule in order; when one fires (its conditions hold
and its actions change something), the pass starts again from the first, so earlier rules
see the change; each rule fires at most once per event, so the pass ends (a fixed point)
after at most as many rounds as there are rules. A rule's own changes never run the rules
again as a new update. A rule run by the clock fires once per ticket until the ticket's
status changes. Each firing is logged on the ticket ("Trigger 'Outage words' set priority
Urgent") and kept as a TriggerFiring."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from tickets.models import (
    Event,
    Ticket,
    TicketMessage,
    TicketStatus,
    Trigger,
    TriggerAction,
    TriggerCondition,
    TriggerFiring,
)
from tickets.triggers import actions, conditions

SUMMARY_LENGTH = 200


def active_rules(event):
    """The rules of an event, with their conditions and actions (a few queries in all)."""
    return list(
        Trigger.objects.for_event(event).prefetch_related(
            Prefetch(
                "conditions",
                TriggerCondition.objects.select_related("custom_field").order_by("pk"),
            ),
            Prefetch(
                "actions",
                TriggerAction.objects.select_related("group", "assignee", "custom_field"),
            ),
        )
    )


def run(ticket, *, event, actor_kind, message=None, now=None, rules=None):
    """Run the rules of `event` ("created", "updated", "time") on the ticket (locked by the
    caller), to a fixed point. Returns the summaries of the rules that fired."""
    rules = active_rules(event) if rules is None else rules
    if not rules:
        return []
    now = now or timezone.now()
    ctx = conditions.Context(ticket, event, actor_kind, now, message)
    done = set()
    if event == Event.TIME:
        done = set(
            TriggerFiring.objects.filter(
                ticket=ticket, fired_at__gte=ticket.status_changed_at
            ).values_list("trigger_id", flat=True)
        )
    fired = []
    for _ in range(len(rules) + 1):  # each round fires one rule, or ends the pass
        for rule in rules:
            if rule.pk in done or not conditions.matches(rule, ctx):
                continue
            done.add(rule.pk)
            summary = _fire(rule, ctx)
            if summary:
                fired.append(summary)
                ctx.refresh()
                break  # the ticket changed: from the first rule again
        else:
            break  # a whole round without a firing: the fixed point
    return fired


def _fire(rule, ctx):
    reason = f"trigger: {rule.name}"[:200]
    changed, said = False, []
    for action in actions.ordered(rule.actions.all()):
        did, words = actions.apply(action, ctx, reason)
        changed |= did
        if words:
            said.append(words)
    if not changed:
        return None
    summary = f"Trigger '{rule.name}' {', '.join(said)}"[:SUMMARY_LENGTH]
    ctx.ticket.events.create(
        field="trigger",
        old_value="",
        new_value=summary,
        reason=Event(rule.runs_on).label[:200] if ctx.event != Event.TIME else "by the clock",
        created_at=ctx.now,
    )
    TriggerFiring.objects.create(
        trigger=rule, ticket=ctx.ticket, fired_at=ctx.now, event=ctx.event, summary=summary
    )
    return summary


# The clock.
def due_by_time(rules, now):
    """The tickets some rule on time may fire on: not closed, matching its conditions as
    far as the database can tell, and not fired on by it since their status changed."""
    candidates = Q(pk__in=[])
    for rule in rules:
        fired = TriggerFiring.objects.filter(
            trigger=rule, ticket=OuterRef("pk"), fired_at__gte=OuterRef("status_changed_at")
        )
        candidates |= conditions.trigger_q(rule, now) & ~Q(Exists(fired))
    return Ticket.objects.exclude(status=TicketStatus.CLOSED).filter(candidates)


def run_time_rules(now=None):
    """The clock's job: each ticket that may be due, locked and in its own transaction
    (one failing leaves the others done)."""
    now = now or timezone.now()
    rules = active_rules(Event.TIME)
    if not rules:
        return {"tickets": 0, "fired": 0}
    pks = list(due_by_time(rules, now).order_by("pk").values_list("pk", flat=True))
    fired = 0
    for pk in pks:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
            if ticket is not None and ticket.status != TicketStatus.CLOSED:
                fired += len(
                    run(ticket, event=Event.TIME, actor_kind="system", now=now, rules=rules)
                )
    return {"tickets": len(pks), "fired": fired}


# The dry run.
DRY_RUN_DAYS = 30
DRY_RUN_LIMIT = 5000


def dry_run(rule, *, days=DRY_RUN_DAYS, now=None):
    """Which tickets opened in the last `days` the rule would match, as they are now (a
    rule on creation: as they arrived, with their first message; a rule on time: at
    `now`). Changes nothing. Returns (matched tickets, how many were looked at)."""
    now = now or timezone.now()
    rule = (
        Trigger.objects.filter(pk=rule.pk)
        .prefetch_related(
            Prefetch("conditions", TriggerCondition.objects.select_related("custom_field"))
        )
        .get()
    )
    latest = TicketMessage.objects.filter(ticket=OuterRef("pk"), author_kind="customer")
    tickets = (
        Ticket.objects.filter(created_at__gte=now - timedelta(days=days))
        .annotate(latest_customer_body=Subquery(latest.order_by("-created_at").values("body")[:1]))
        .prefetch_related("tags", "field_values")
        .order_by("-created_at")
    )
    event = (
        Event.CREATED if rule.runs_on in (Event.CREATED, Event.CREATED_OR_UPDATED) else rule.runs_on
    )
    matched, seen = [], 0
    for ticket in tickets[:DRY_RUN_LIMIT]:
        seen += 1
        moment = ticket.created_at if event == Event.CREATED else now
        if event == Event.CREATED:
            ticket.latest_customer_body = ticket.description
        actor = "system" if event == Event.TIME else "customer"
        ctx = conditions.Context(ticket, event, actor, moment)
        if conditions.matches(rule, ctx):
            matched.append(ticket)
    return matched, seen


__all__ = ["dry_run", "run", "run_time_rules"]
