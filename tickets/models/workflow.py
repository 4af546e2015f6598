"""A ticket's life: its statuses, the one table of moves between them, and the clocks each
move sets (first response, waiting since, resolution, SLA pauses and due times).

Every status change in the project goes through `Ticket.transition()`; the customer's
messages and staff replies through `record_customer_message()` / `record_staff_reply()`;
priority, assignee and category through `change_triage()`. Each logs a TicketEvent.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone

from core.people import staff_name
from tickets import sla
from tickets.models.priority import Priority


class TicketStatus(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


S = TicketStatus
# Statuses in which the ticket waits for support (and its SLA clocks run).
WAITING_ON_SUPPORT = (S.NEW, S.OPEN)
FINISHED = (S.RESOLVED, S.CLOSED)
UNFINISHED = (S.NEW, S.OPEN, S.PENDING)
# The words customers read for each status, the same on the private page, My requests and in
# emails (staff keep TicketStatus's own labels).
CUSTOMER_STATUS_LABELS = {
    S.NEW: "Waiting for support",
    S.OPEN: "Waiting for support",
    S.PENDING: "Waiting for your reply",
    S.RESOLVED: "Resolved",
    S.CLOSED: "Closed",
}

# The only moves there are. A ticket is New until someone works on it; Closed is final (a
# customer who writes again gets a new ticket that follows up the closed one).
TRANSITIONS = {
    S.NEW: {S.OPEN, S.PENDING, S.RESOLVED, S.CLOSED},
    S.OPEN: {S.PENDING, S.RESOLVED, S.CLOSED},
    S.PENDING: {S.OPEN, S.RESOLVED, S.CLOSED},
    S.RESOLVED: {S.OPEN, S.CLOSED},
    S.CLOSED: set(),
}


class SLAState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"
    PAUSED = "paused", "Paused (waiting on customer)"
    DONE = "done", "Done"


class IllegalTransition(ValueError):
    pass


# What triage sets beside the status (the status moves only through the transition table).
TRIAGE_FIELDS = ("priority", "group", "assignee", "category")
CLOCK_FIELDS = [
    "status",
    "waiting_since",
    "first_response_at",
    "resolved_at",
    "last_activity_at",
    "paused_since",
    "paused_seconds",
    "status_changed_at",
    "customer_message_at",
    "response_due_at",
    "resolution_due_at",
    "sla_due_at",
    "response_breached",
    "resolution_breached",
    "first_response_seconds",
    "resolution_seconds",
    "updated_at",
]


class TicketWorkflow:
    """Methods of Ticket that move it and keep its clocks (fields live on Ticket)."""

    @property
    def customer_status_label(self):
        return CUSTOMER_STATUS_LABELS[S(self.status)]

    @classmethod
    def allowed_moves(cls, status):
        return TRANSITIONS[S(status)]

    def can_move_to(self, status):
        return status == self.status or status in TRANSITIONS[S(self.status)]

    def transition(self, to, *, by=None, reason="", now=None, save=True):
        """Move to status `to`, setting the clocks and logging who, when and why. Returns
        False when the ticket already has that status; IllegalTransition for a move the
        table does not allow."""
        to, old = S(to), S(self.status)
        if to == old:
            return False
        allowed = TRANSITIONS[old]
        if to not in allowed:
            options = f"it can become {_labels(allowed)}" if allowed else "it stays closed"
            raise IllegalTransition(
                f"A {old.label.lower()} ticket cannot become {to.label.lower()}: {options}."
            )
        if to == S.RESOLVED and by is not None:
            self.check_resolvable()
        now = now or timezone.now()
        self._check_breaches(now)
        if old == S.PENDING and self.paused_since:
            paused = sla.between(self.paused_since, now)
            self.paused_seconds += int(paused.total_seconds())
            self.paused_since = None
        if old in FINISHED:
            self.resolved_at = self.resolution_seconds = None
        self.status, self.status_changed_at = to, now
        if to == S.PENDING:
            self.paused_since, self.waiting_since = now, None
        elif to in WAITING_ON_SUPPORT and old not in WAITING_ON_SUPPORT:
            self.waiting_since = self.waiting_since or now
        elif to in FINISHED:
            self.resolved_at, self.waiting_since = self.resolved_at or now, None
            self.resolution_seconds = _business_seconds(self.created_at, self.resolved_at)
        self.recompute_sla()
        self.events.create(
            actor=by,
            field="status",
            old_value=old.label,
            new_value=to.label,
            reason=reason[:200],
            created_at=now,
        )
        if save:
            self.save(update_fields=CLOCK_FIELDS)
        return True

    def check_resolvable(self, pending=None):
        """Staff resolve a ticket only with the custom fields required to resolve filled in
        (`pending`: values about to be saved with the move)."""
        missing = self.missing_to_resolve(pending)
        if missing:
            raise IllegalTransition(missing_message(missing))

    def record_customer_message(self, *, now=None, reason="customer replied"):
        """The customer wrote: the ticket waits on support (it opens again if it waited on
        them or was resolved)."""
        now = now or timezone.now()
        self.last_activity_at = self.customer_message_at = now
        self.waiting_since = self.waiting_since or now
        if self.status in (S.PENDING, S.RESOLVED):
            self.transition(S.OPEN, reason=reason, now=now, save=False)
        self.recompute_sla()
        self.save(update_fields=CLOCK_FIELDS)

    def record_staff_reply(self, *, by, now=None, status=None):
        """Support answered the customer: the first (or next) response is made, and the
        ticket waits on the customer unless staff chose another status."""
        now = now or timezone.now()
        self._check_breaches(now)
        if self.first_response_at is None:
            self.first_response_at = now
            self.first_response_seconds = _business_seconds(self.created_at, now)
        self.last_activity_at = now
        self.waiting_since = None
        if status is None and self.status in WAITING_ON_SUPPORT:
            status = S.PENDING
        if status is not None:
            self.transition(status, by=by, reason="replied", now=now, save=False)
        self.recompute_sla()
        self.save(update_fields=CLOCK_FIELDS)

    def change_triage(self, *, by, reason="", save=True, **changes):
        """Set priority, assignee, category or group; each change is logged. An assignee
        must be a member of the ticket's group (InvalidAssignment). Returns the names of
        the fields that changed."""
        for name in changes:
            if name not in TRIAGE_FIELDS:
                raise TypeError(f"{name} is not a triage field")
        if "group" in changes or "assignee" in changes:
            from tickets.models.groups import InvalidAssignment, assignment_problem

            group = changes.get("group", self.group)
            problem = assignment_problem(group, changes.get("assignee", self.assignee))
            if problem:
                raise InvalidAssignment(problem)
        changed = []
        for name, value in changes.items():
            old = self._display(name)
            setattr(self, name, value)
            new = self._display(name)
            if new != old:
                changed.append(name)
                self.events.create(
                    actor=by, field=name, old_value=old, new_value=new, reason=reason[:200]
                )
        if changed and save:
            if "priority" in changed:
                self.recompute_sla()
            self.save(update_fields=[*changed, *CLOCK_FIELDS])
        return changed

    def _display(self, field):
        if field == "assignee":
            if self.assignee is None:
                return ""
            return staff_name(self.assignee)
        if field == "priority":
            return Priority(self.priority).label
        if field == "group":
            return self.group.name if self.group else ""
        return getattr(self, f"get_{field}_display")()

    # SLA.
    def _priority_name(self):
        return Priority(self.priority).name.lower()

    def _target(self, kind):
        """Business hours for a target: the organization's support plan's, or the
        settings' (the plan's hours are read once per ticket and organization)."""
        cached = getattr(self, "_plan_hours", None)
        if cached is None or cached[0] != self.organization_id:
            cached = self._plan_hours = (self.organization_id, plan_hours(self.organization_id))
        return sla.target(kind, self._priority_name(), cached[1])

    def recompute_sla(self):
        """Due times from the clocks: a response (first, or next after a customer's reply)
        and the resolution, which pauses while the ticket waits on the customer."""
        if self.status in WAITING_ON_SUPPORT:
            kind = "next_reply" if self.first_response_at else "first_response"
            self.response_due_at = (
                sla.add(self.waiting_since, self._target(kind)) if self.waiting_since else None
            )
        else:
            self.response_due_at = None
        if self.status in FINISHED:
            self.resolution_due_at = None
        else:
            hours = self._target("resolution") + self.paused_seconds / 3600
            self.resolution_due_at = sla.add(self.created_at, hours)
        if self.status in WAITING_ON_SUPPORT:
            dues = [d for d in (self.response_due_at, self.resolution_due_at) if d]
            self.sla_due_at = min(dues) if dues else None
        else:
            self.sla_due_at = None

    def _check_breaches(self, now):
        """Breaches stick: a target missed stays missed whatever happens next."""
        if self.response_due_at and now > self.response_due_at:
            self.response_breached = True
        if self.resolution_due_at and now > self.resolution_due_at:
            self.resolution_breached = True

    @property
    def ever_breached(self):
        return self.response_breached or self.resolution_breached

    def sla_state(self, now=None):
        if self.status in FINISHED:
            return SLAState.DONE
        if self.status == S.PENDING:
            return SLAState.PAUSED
        if self.sla_due_at is None:
            return SLAState.ON_TRACK
        now = now or timezone.now()
        if now >= self.sla_due_at:
            return SLAState.BREACHED
        start = self.waiting_since or self.created_at
        budget = max(sla.between(start, self.sla_due_at), timedelta(minutes=1))
        left = sla.between(now, self.sla_due_at)
        return SLAState.AT_RISK if left <= budget / 4 else SLAState.ON_TRACK


def plan_hours(organization_id):
    """The service-level hours the organization's support plan sets, in TICKET_SLA_HOURS's
    shape ({kind: {priority: hours}}); {} without a plan."""
    if not organization_id:
        return {}
    from tickets.models.organizations import SLATarget

    rows = SLATarget.objects.filter(plan__organizations=organization_id)
    hours = {}
    for kind, priority, value in rows.values_list("kind", "priority", "hours"):
        hours.setdefault(kind, {})[Priority(priority).name.lower()] = float(value)
    return hours


def _business_seconds(start, end):
    """Whole business seconds from `start` to `end` (tickets.sla's schedule)."""
    return int(sla.between(start, end).total_seconds())


def missing_message(labels):
    quoted = [f"“{label}”" for label in labels]
    names = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    return f"{names} must be filled in before this ticket is resolved."


def _labels(statuses):
    ordered = [s for s in S if s in statuses]
    return ", ".join(s.label.lower() for s in ordered)
