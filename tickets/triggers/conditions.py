"""Whether a rule's conditions hold for a ticket at an event (in Python, for every
condition), and the same conditions as a database filter where one exists (for the rules
run by the clock, which look at many tickets)."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from tickets import customfields, sla
from tickets.models import (
    CustomFieldValue,
    Match,
    Operator,
    Subject,
    Ticket,
    TicketMessage,
)
from tickets.models.fields import as_number
from tickets.models.trigger_conditions import HOURS, words_of

Op = Operator
SINCE = {
    Subject.HOURS_SINCE_CREATED: "created_at",
    Subject.HOURS_SINCE_CUSTOMER: "customer_message_at",
    Subject.HOURS_SINCE_STATUS: "status_changed_at",
}


@dataclass
class Context:
    """A ticket at one event: what the conditions read (loaded once, refreshed after a rule
    changes the ticket)."""

    ticket: Ticket
    event: str  # "created", "updated", "time"
    actor_kind: str  # "customer", "staff", "system"
    now: datetime
    message: TicketMessage | None = None
    _cache: dict = field(default_factory=dict)

    def refresh(self):
        self._cache.clear()

    @property
    def body(self):
        """The customer's message of this event, else their latest one."""
        if self.message is not None and self.message.author_kind == "customer":
            return self.message.body
        if "body" not in self._cache:
            annotated = getattr(self.ticket, "latest_customer_body", None)
            if annotated is not None or self.event == "created":
                self._cache["body"] = annotated or self.ticket.description
            else:
                latest = self.ticket.messages.filter(author_kind="customer").last()
                self._cache["body"] = latest.body if latest else self.ticket.description
        return self._cache["body"]

    @property
    def tags(self):
        if "tags" not in self._cache:
            self._cache["tags"] = {tag.name for tag in self.ticket.tags.all()}
        return self._cache["tags"]

    @property
    def fields(self):
        """{custom field id: stored value}."""
        if "fields" not in self._cache:
            self._cache["fields"] = {v.field_id: v.value for v in self.ticket.field_values.all()}
        return self._cache["fields"]


def _has_words(text, operator, value):
    folded = text.casefold()
    found = [
        re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded) is not None
        for word in words_of(value)
    ]
    if operator == Op.ANY_WORDS:
        return any(found)
    if operator == Op.ALL_WORDS:
        return bool(found) and all(found)
    return not any(found)


def _has_tags(tags, operator, value):
    wanted = value.split()
    if operator == Op.ANY_WORDS:
        return any(t in tags for t in wanted)
    if operator == Op.ALL_WORDS:
        return bool(wanted) and all(t in tags for t in wanted)
    return not any(t in tags for t in wanted)


def _compare(have, operator, value):
    if operator == Op.IS:
        return have == value
    if operator == Op.IS_NOT:
        return have != value
    left, right = as_number(have), as_number(value)
    if left is None or right is None or type(left) is not type(right):
        return False
    return left >= right if operator == Op.AT_LEAST else left < right


def holds(condition, ctx):
    """Whether one condition holds."""
    ticket, subject, operator, value = (
        ctx.ticket,
        condition.field,
        condition.operator,
        condition.value,
    )
    if subject in (Subject.SUBJECT, Subject.BODY):
        text = ticket.subject if subject == Subject.SUBJECT else ctx.body
        return _has_words(text or "", operator, value)
    if subject == Subject.TAGS:
        return _has_tags(ctx.tags, operator, value)
    if subject in (Subject.ORGANIZATION, Subject.GROUP):
        have = getattr(ticket, f"{subject}_id")
        wanted = getattr(condition, f"{subject}_id")
        return {
            Op.IS: have == wanted,
            Op.IS_NOT: have != wanted,
            Op.SET: have is not None,
            Op.EMPTY: have is None,
        }[operator]
    if subject == Subject.CUSTOM_FIELD:
        have = ctx.fields.get(condition.custom_field_id, "")
        if operator in (Op.SET, Op.EMPTY):
            return bool(have) == (operator == Op.SET)
        if operator in (Op.ANY_WORDS, Op.ALL_WORDS, Op.NO_WORDS):
            return _has_words(have, operator, value)
        return _compare(have, operator, value)
    if subject == Subject.BUSINESS_HOURS:
        return sla.within_hours(ctx.now) == (value == "within")
    if subject in HOURS:
        since = getattr(ticket, SINCE[subject])
        if since is None:
            return False
        hours = Decimal(str((ctx.now - since).total_seconds() / 3600))
        return hours >= Decimal(value) if operator == Op.AT_LEAST else hours < Decimal(value)
    if subject == Subject.UPDATED_BY:
        return (ctx.actor_kind == value) == (operator == Op.IS)
    have = {
        Subject.CHANNEL: ticket.channel,
        Subject.CATEGORY: ticket.category,
        Subject.PRIORITY: str(ticket.priority),
        Subject.STATUS: ticket.status,
    }[subject]
    return _compare(have, operator, value)


def matches(trigger, ctx):
    """Whether the rule's conditions hold (all or any of them; a rule without conditions
    always fires)."""
    conditions = list(trigger.conditions.all())
    if not conditions:
        return True
    check = all if trigger.match == Match.ALL else any
    return check(holds(condition, ctx) for condition in conditions)


# As database filters (for the clock's rules).
def _exists_tag(names):
    through = Ticket.tags.through.objects.filter(ticket=OuterRef("pk"), tag__name__in=names)
    return Q(Exists(through))


def condition_q(condition, now):
    """The condition as a filter on tickets, or None where only Python can tell (texts,
    business hours, who updated)."""
    subject, operator, value = condition.field, condition.operator, condition.value
    simple = {
        Subject.CHANNEL: "channel",
        Subject.CATEGORY: "category",
        Subject.PRIORITY: "priority",
        Subject.STATUS: "status",
    }
    if subject in simple:
        name = simple[subject]
        lookup = {Op.IS: "", Op.IS_NOT: "", Op.AT_LEAST: "__gte", Op.LESS_THAN: "__lt"}
        q = Q(**{f"{name}{lookup[operator]}": value})
        return ~q if operator == Op.IS_NOT else q
    if subject in (Subject.ORGANIZATION, Subject.GROUP):
        column = f"{subject}_id"
        wanted = getattr(condition, column)
        return {
            Op.IS: Q(**{column: wanted}),
            Op.IS_NOT: ~Q(**{column: wanted}) | Q(**{f"{subject}__isnull": True}),
            Op.SET: Q(**{f"{subject}__isnull": False}),
            Op.EMPTY: Q(**{f"{subject}__isnull": True}),
        }[operator]
    if subject == Subject.TAGS:
        names = value.split()
        if operator == Op.ANY_WORDS:
            return _exists_tag(names)
        if operator == Op.NO_WORDS:
            return ~_exists_tag(names)
        q = Q()
        for name in names:
            q &= _exists_tag([name])
        return q
    if subject == Subject.CUSTOM_FIELD and operator in (Op.IS, Op.SET, Op.EMPTY):
        if operator == Op.IS:
            if not value:  # an unticked checkbox: no value stored
                return ~customfields.value_q(condition.custom_field.key, "true")
            return customfields.value_q(condition.custom_field.key, value)
        stored = CustomFieldValue.objects.filter(
            ticket=OuterRef("pk"), field_id=condition.custom_field_id
        )
        return Q(Exists(stored)) if operator == Op.SET else ~Q(Exists(stored))
    if subject in HOURS:
        moment = now - timedelta(hours=float(value))
        column = SINCE[subject]
        if operator == Op.AT_LEAST:
            return Q(**{f"{column}__lte": moment})
        return Q(**{f"{column}__gt": moment})
    return None


def trigger_q(trigger, now):
    """The tickets the rule may match, as a filter (everything when it cannot tell)."""
    parts = [condition_q(c, now) for c in trigger.conditions.all()]
    if not parts:
        return Q()
    if trigger.match == Match.ALL:
        q = Q()
        for part in parts:
            if part is not None:
                q &= part
        return q
    if any(part is None for part in parts):
        return Q()
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q
