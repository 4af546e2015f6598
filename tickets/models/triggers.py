"""Triggers: rules admins write in the admin, without code. Each has conditions (on the
channel, text, category, priority, status, organization, group, tags, custom fields,
business hours, hours since an event, who made the update) and actions (priority, status
through the workflow, category, group, assignee, tags, custom fields, an internal note, an
email to the requester). tickets.triggers runs them; this module says what a rule may
contain and checks each row when it is saved."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.categories import SupportCategory
from tickets.events import chat_channel_names
from tickets.models.fields import FieldKind
from tickets.models.tags import parse_tags
from tickets.models.ticket import Channel
from tickets.models.workflow import Priority, TicketStatus


class Event(models.TextChoices):
    CREATED = "created", "When a ticket is created"
    UPDATED = "updated", "When a ticket is updated (a customer's reply, a staff update)"
    CREATED_OR_UPDATED = "any", "When a ticket is created or updated"
    TIME = "time", "By the clock (every 15 minutes)"


class Match(models.TextChoices):
    ALL = "all", "All of the conditions"
    ANY = "any", "Any of the conditions"


class TriggerQuerySet(models.QuerySet):
    def for_event(self, event):
        """The active rules that run on `event` ("created", "updated", "time"), in order."""
        events = [event] if event == Event.TIME else [event, Event.CREATED_OR_UPDATED]
        return self.filter(active=True, runs_on__in=events).order_by("position", "pk")


class Trigger(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(
        default=0, help_text="Rules run in this order (the lowest first)."
    )
    runs_on = models.CharField("runs", max_length=10, choices=Event, default=Event.CREATED)
    match = models.CharField("fires when", max_length=3, choices=Match, default=Match.ALL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TriggerQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Subject(models.TextChoices):
    CHANNEL = "channel", "Channel"
    SUBJECT = "subject", "Subject"
    BODY = "body", "Message (the customer's)"
    CATEGORY = "category", "Category"
    PRIORITY = "priority", "Priority"
    STATUS = "status", "Status"
    ORGANIZATION = "organization", "Organization"
    GROUP = "group", "Group"
    TAGS = "tags", "Tags"
    CUSTOM_FIELD = "custom_field", "Custom field"
    BUSINESS_HOURS = "business_hours", "Business hours"
    HOURS_SINCE_CREATED = "since_created", "Hours since created"
    HOURS_SINCE_CUSTOMER = "since_customer", "Hours since the customer's last message"
    HOURS_SINCE_STATUS = "since_status", "Hours since the status changed"
    UPDATED_BY = "updated_by", "Updated by"


class Operator(models.TextChoices):
    IS = "is", "is"
    IS_NOT = "is_not", "is not"
    ANY_WORDS = "any", "contains any of"
    ALL_WORDS = "all", "contains all of"
    NO_WORDS = "none", "contains none of"
    AT_LEAST = "gte", "is at least"
    LESS_THAN = "lt", "is less than"
    SET = "set", "is set"
    EMPTY = "empty", "is empty"


Op = Operator
WORDS = {Op.ANY_WORDS, Op.ALL_WORDS, Op.NO_WORDS}
COMPARE = {Op.AT_LEAST, Op.LESS_THAN}
PRESENCE = {Op.SET, Op.EMPTY}
BUSINESS_HOURS_VALUES = {"within": "within business hours", "outside": "outside business hours"}
UPDATED_BY_VALUES = {"customer": "the customer", "staff": "staff", "system": "the clock"}
HOURS = {Subject.HOURS_SINCE_CREATED, Subject.HOURS_SINCE_CUSTOMER, Subject.HOURS_SINCE_STATUS}

# What each condition takes: its operators, and the values it compares with.
CHOICES = {
    Subject.CHANNEL: dict(Channel.choices),
    Subject.CATEGORY: dict(SupportCategory.choices),
    Subject.PRIORITY: {str(k): v for k, v in Priority.choices},
    Subject.STATUS: dict(TicketStatus.choices),
    Subject.BUSINESS_HOURS: BUSINESS_HOURS_VALUES,
    Subject.UPDATED_BY: UPDATED_BY_VALUES,
}
OPERATORS = {
    Subject.CHANNEL: {Op.IS, Op.IS_NOT},
    Subject.SUBJECT: WORDS,
    Subject.BODY: WORDS,
    Subject.CATEGORY: {Op.IS, Op.IS_NOT},
    Subject.PRIORITY: {Op.IS, Op.IS_NOT, *COMPARE},
    Subject.STATUS: {Op.IS, Op.IS_NOT},
    Subject.ORGANIZATION: {Op.IS, Op.IS_NOT, *PRESENCE},
    Subject.GROUP: {Op.IS, Op.IS_NOT, *PRESENCE},
    Subject.TAGS: WORDS,
    Subject.CUSTOM_FIELD: {Op.IS, Op.IS_NOT, *WORDS, *COMPARE, *PRESENCE},
    Subject.BUSINESS_HOURS: {Op.IS},
    **dict.fromkeys(HOURS, COMPARE),
    Subject.UPDATED_BY: {Op.IS, Op.IS_NOT},
}
PHRASE = re.compile(r'"([^"]+)"|(\S+)')


def words_of(value):
    """The words and "quoted phrases" of a condition's value, case-folded."""
    return [(a or b).casefold() for a, b in PHRASE.findall(value or "")]


def choice_value(choices, typed):
    """A value typed as its code or its label (any case) -> the code, or None."""
    text = (typed or "").strip().casefold()
    for code, label in choices.items():
        if text in (str(code).casefold(), str(label).casefold()):
            return str(code)
    return None


def _names(choices):
    return ", ".join(str(label) for label in choices.values())


class TriggerCondition(models.Model):
    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="conditions")
    field = models.CharField(max_length=20, choices=Subject)
    operator = models.CharField(max_length=10, choices=Operator)
    value = models.CharField(
        max_length=500,
        blank=True,
        help_text='Words ("quoted phrases" kept together), tags, a choice (by name), '
        "hours, within or outside, customer or staff.",
    )
    organization = models.ForeignKey(
        "tickets.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "tickets.AgentGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    custom_field = models.ForeignKey(
        "tickets.CustomField", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        what = self.get_field_display()
        if self.custom_field_id:
            what = self.custom_field.label
        target = self.organization or self.group or self.value_label()
        return f"{what} {self.get_operator_display()} {target}".strip()

    def value_label(self):
        """The value as people type it (a choice by its name)."""
        return str(CHOICES.get(self.field, {}).get(self.value, self.value))

    def clean(self):
        subject, operator = self.field, self.operator
        if subject not in OPERATORS or operator not in OPERATORS[subject]:
            allowed = ", ".join(Op(o).label for o in sorted(OPERATORS.get(subject, ())))
            raise ValidationError({"operator": f"{self.get_field_display()} takes: {allowed}."})
        needs = {
            Subject.ORGANIZATION: "organization",
            Subject.GROUP: "group",
            Subject.CUSTOM_FIELD: "custom_field",
        }.get(subject)
        named = {Op.IS, Op.IS_NOT} | (PRESENCE if needs == "custom_field" else set())
        if needs and operator in named and getattr(self, f"{needs}_id") is None:
            raise ValidationError({needs: f"Choose the {needs.replace('_', ' ')}."})
        if subject == Subject.CUSTOM_FIELD:
            self._clean_field_value()
        elif subject in CHOICES:
            code = choice_value(CHOICES[subject], self.value)
            if code is None:
                message = f"{self.get_field_display()} is one of: {_names(CHOICES[subject])}."
                raise ValidationError({"value": message})
            self.value = code
        elif subject in HOURS:
            self.value = _hours(self.value)
        elif operator in WORDS:
            if not words_of(self.value):
                raise ValidationError({"value": "Type the words to look for."})
            if subject == Subject.TAGS:
                self.value = " ".join(parse_tags(self.value))

    def _clean_field_value(self):
        definition = self.custom_field
        if definition is None:
            raise ValidationError({"custom_field": "Choose the custom field."})
        if self.operator in PRESENCE:
            self.value = ""
            return
        if self.operator in COMPARE and definition.kind not in (FieldKind.NUMBER, FieldKind.DATE):
            raise ValidationError(
                {"operator": f"{definition.label} is no number or date: compare it with is."}
            )
        if self.operator in WORDS:
            if not words_of(self.value):
                raise ValidationError({"value": "Type the words to look for."})
            return
        value = definition.normalize(self.value)  # ValidationError with what is expected
        if not value and definition.kind != FieldKind.CHECKBOX:
            raise ValidationError({"value": f"Type the value of {definition.label}."})
        self.value = value


def _hours(typed):
    try:
        hours = float((typed or "").strip().replace(",", "."))
    except ValueError:
        hours = -1
    if not 0 <= hours <= 24 * 3650:
        raise ValidationError({"value": "Type a number of hours, like 72 (3 days)."})
    return f"{hours:g}"


class ActionKind(models.TextChoices):
    SET_PRIORITY = "priority", "Set priority"
    SET_STATUS = "status", "Set status"
    SET_CATEGORY = "category", "Set category"
    SET_GROUP = "group", "Set group"
    SET_ASSIGNEE = "assignee", "Set assignee"
    ADD_TAGS = "add_tags", "Add tags"
    REMOVE_TAGS = "remove_tags", "Remove tags"
    SET_FIELD = "field", "Set a custom field"
    ADD_NOTE = "note", "Add an internal note"
    EMAIL_REQUESTER = "email", "Email the requester"
    POST_TO_SLACK = "slack", "Post to a Slack channel"


A = ActionKind
# The order actions are applied in, whatever order they were written: changes, then the
# status, then the note and the email (which then tell the ticket as it has become).
ACTION_ORDER = {
    kind: n
    for n, kind in enumerate(
        [
            A.SET_PRIORITY,
            A.SET_CATEGORY,
            A.SET_GROUP,
            A.SET_ASSIGNEE,
            A.ADD_TAGS,
            A.REMOVE_TAGS,
            A.SET_FIELD,
            A.SET_STATUS,
            A.ADD_NOTE,
            A.EMAIL_REQUESTER,
            A.POST_TO_SLACK,
        ]
    )
}
ACTION_CHOICES = {
    A.SET_PRIORITY: CHOICES[Subject.PRIORITY],
    A.SET_STATUS: CHOICES[Subject.STATUS],
    A.SET_CATEGORY: CHOICES[Subject.CATEGORY],
}
# The variables of a note or email: the macros' (tickets.macros.VARIABLES).
VARIABLE_NAMES = (
    "customer.first_name",
    "customer.name",
    "customer.email",
    "ticket.reference",
    "ticket.subject",
    "agent.name",
    "agent.first_name",
)
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


class TriggerAction(models.Model):
    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=20, choices=ActionKind)
    value = models.CharField(
        max_length=500,
        blank=True,
        help_text="A priority, status or category (by name), tags, the field's value, "
        "the email's subject, or the Slack channel's name.",
    )
    text = models.TextField(
        max_length=5000,
        blank=True,
        help_text="The note, the email or the Slack message. Variables: "
        + ", ".join(f"{{{{ {name} }}}}" for name in VARIABLE_NAMES)
        + ". Nothing else is interpreted.",
    )
    group = models.ForeignKey(
        "tickets.AgentGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    custom_field = models.ForeignKey(
        "tickets.CustomField", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.get_action_display()

    def value_label(self):
        """The value as people type it (a choice by its name)."""
        return str(ACTION_CHOICES.get(self.action, {}).get(self.value, self.value))

    def clean(self):
        kind = self.action
        if kind in ACTION_CHOICES:
            code = choice_value(ACTION_CHOICES[kind], self.value)
            if code is None:
                what = self.get_action_display().removeprefix("Set ")
                raise ValidationError(
                    {"value": f"The {what} is one of: {_names(ACTION_CHOICES[kind])}."}
                )
            self.value = code
        elif kind == A.SET_ASSIGNEE and self.assignee_id is None:
            raise ValidationError({"assignee": "Choose the assignee."})
        elif kind in (A.ADD_TAGS, A.REMOVE_TAGS):
            self.value = " ".join(parse_tags(self.value))
            if not self.value:
                raise ValidationError({"value": "Type the tags, separated by spaces."})
        elif kind == A.SET_FIELD:
            if self.custom_field is None:
                raise ValidationError({"custom_field": "Choose the custom field."})
            self.value = self.custom_field.normalize(self.value)
        elif kind == A.POST_TO_SLACK:
            self._clean_chat_channel()
        if kind in (A.ADD_NOTE, A.EMAIL_REQUESTER, A.POST_TO_SLACK):
            if kind != A.POST_TO_SLACK and not self.text.strip():
                raise ValidationError({"text": "Write the text."})
            if kind == A.EMAIL_REQUESTER and not self.value.strip():
                raise ValidationError({"value": "Write the email's subject."})
            for field in ("value", "text"):
                unknown = [
                    match.group(0)
                    for match in PLACEHOLDER.finditer(getattr(self, field))
                    if (match.group(1) or "").strip() not in VARIABLE_NAMES
                ]
                if unknown:
                    raise ValidationError(
                        {
                            field: f"Not a variable: {', '.join(unknown[:3])}. Only these are "
                            f"filled in: {', '.join(VARIABLE_NAMES)}."
                        }
                    )

    def _clean_chat_channel(self):
        names = chat_channel_names()
        self.value = self.value.strip()
        if self.value not in names:
            known = ", ".join(names) or "none yet (Slack › Slack channels)"
            raise ValidationError({"value": f"Name a Slack channel: {known}."})


def check_rule(runs_on, conditions, actions):
    """What a whole rule must have (its rows each checked on their own): an action, and for
    a rule run by the clock a condition on hours since an event (so it acts on tickets
    that waited, not on every ticket at once). Returns the problems."""
    problems = []
    if not actions:
        problems.append("Add an action: a rule without one does nothing.")
    if runs_on == Event.TIME and not any(c in HOURS for c in conditions):
        problems.append(
            "A rule run by the clock needs a condition on hours since an event (created, "
            "the customer's last message, or the status change)."
        )
    return problems


class TriggerFiring(models.Model):
    """One firing of a rule on a ticket: the time rules' memory (a rule run by the clock
    fires once per ticket until its status changes) and the admin's counts."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="firings")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="trigger_firings"
    )
    fired_at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=10)
    summary = models.CharField(max_length=200)

    class Meta:
        ordering = ["-fired_at", "-pk"]
        indexes = [models.Index(fields=["trigger", "ticket", "fired_at"])]

    def __str__(self):
        return self.summary
