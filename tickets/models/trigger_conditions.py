"""A rule's conditions (tickets.models.trigger_rules): what each may test, with which
operators and values, and the check of each row when it is saved."""

import re

from django.core.exceptions import ValidationError
from django.db import models

from core.categories import SupportCategory
from tickets.models.fields import FieldKind
from tickets.models.tags import parse_tags
from tickets.models.ticket import Channel
from tickets.models.trigger_rules import Trigger
from tickets.models.workflow import Priority, TicketStatus


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


def choice_names(choices):
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
                message = f"{self.get_field_display()} is one of: {choice_names(CHOICES[subject])}."
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
