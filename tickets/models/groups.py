"""Agent groups (Billing, API...): their members, and whether a ticket arriving in a group
is assigned to one of them by itself (round robin or least loaded: tickets.routing)."""

from django.conf import settings
from django.db import models

from core.people import staff_name


class Assignment(models.TextChoices):
    NONE = "none", "Nobody: members take tickets themselves"
    ROUND_ROBIN = "round_robin", "Round robin: each member in turn"
    LEAST_LOADED = "least_loaded", "Least loaded: the member with the fewest unfinished tickets"


class AgentGroupQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(members=user)


class AgentGroup(models.Model):
    name = models.CharField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="ticket_groups"
    )
    assignment = models.CharField(
        "assign new tickets to",
        max_length=20,
        choices=Assignment,
        default=Assignment.NONE,
        help_text="When a ticket arrives in the group, or moves into it, without an assignee.",
    )
    # Round robin: who was given the last ticket.
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = AgentGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "agent group"

    def __str__(self):
        return self.name

    def has_member(self, user):
        return user is not None and self.members.filter(pk=user.pk).exists()


class InvalidAssignment(ValueError):
    """An assignee outside the ticket's group."""


def assignment_problem(group, assignee):
    """Why a ticket cannot be in `group` and assigned to `assignee` ('' when it can)."""
    if group is None or assignee is None or group.has_member(assignee):
        return ""
    name = staff_name(assignee)
    return (
        f"{name} is not in the {group.name} group: choose one of its members, or nobody "
        "(or change the group)."
    )
