"""A rule's actions (tickets.models.trigger_rules): what each may do, in which order they
are applied, the variables a note or email may use, and the check of each row when it is
saved."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from tickets.events import chat_channel_names
from tickets.models.tags import parse_tags
from tickets.models.trigger_conditions import CHOICES, Subject, choice_names, choice_value
from tickets.models.trigger_rules import Trigger


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
                    {"value": f"The {what} is one of: {choice_names(ACTION_CHOICES[kind])}."}
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
