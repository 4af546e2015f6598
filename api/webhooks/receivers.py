"""Model writes → webhook events. Connected in ApiConfig.ready(); each runs inside the
writer's transaction, so an event is stored with the change or not at all."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from api import tickets as ticket_data
from api.content import guide_json, runbook_json
from api.webhooks.emit import emit
from api.webhooks.payloads import (
    Change,
    GuidePublished,
    IncidentUpdated,
    MessageAdded,
    RunbookPublished,
    StatusChanged,
    TicketRated,
)
from kb.models import Guide, PublishState
from runbooks.models import Runbook
from status.models import Notification
from status.payloads import IncidentNotification
from tickets.events import ticket_created
from tickets.models import SatisfactionRating, TicketEvent, TicketMessage, TicketStatus

STATUS_BY_LABEL = {status.label: status.value for status in TicketStatus}


@receiver(ticket_created, dispatch_uid="api.webhooks.ticket_created")
def _created(sender, ticket, **kwargs):
    emit("ticket.created", lambda: {"ticket": ticket_data.ticket_json(ticket)})


@receiver(post_save, sender=TicketMessage, dispatch_uid="api.webhooks.message_added")
def _message(sender, instance, created, **kwargs):
    ticket = instance.ticket
    if not created or (
        # The customer's first message is the ticket's description (ticket.created).
        instance.author_kind == TicketMessage.Author.CUSTOMER
        and instance.created_at == ticket.created_at
    ):
        return

    def data() -> MessageAdded:
        return {
            "ticket": ticket_data.ticket_json(ticket),
            "message": ticket_data.message_json(instance),
        }

    emit("ticket.message_added", data, internal=instance.is_internal)


@receiver(post_save, sender=TicketEvent, dispatch_uid="api.webhooks.ticket_event")
def _changed(sender, instance, created, **kwargs):
    if not created or instance.field == "message":
        return
    if instance.field == "status":

        def status_changed() -> StatusChanged:
            return {
                "ticket": ticket_data.ticket_json(instance.ticket),
                "from": STATUS_BY_LABEL.get(instance.old_value, instance.old_value),
                "to": STATUS_BY_LABEL.get(instance.new_value, instance.new_value),
                "reason": instance.reason,
            }

        emit("ticket.status_changed", status_changed)
        return
    change: Change = {"from": instance.old_value, "to": instance.new_value}
    emit(
        "ticket.updated",
        lambda: {
            "ticket": ticket_data.ticket_json(instance.ticket),
            "changes": {instance.field: change},
        },
    )


@receiver(post_save, sender=SatisfactionRating, dispatch_uid="api.webhooks.rated")
def _rated(sender, instance, created, **kwargs):
    def data() -> TicketRated:
        return {
            "ticket": ticket_data.ticket_json(instance.ticket),
            "rating": instance.rating,
            "comment": instance.comment,
        }

    emit("ticket.rated", data)


@receiver(pre_save, sender=Guide, dispatch_uid="api.webhooks.guide_before")
@receiver(pre_save, sender=Runbook, dispatch_uid="api.webhooks.runbook_before")
def _before_publishing(sender, instance, **kwargs):
    if instance.status == PublishState.PUBLISHED:
        instance._api_was_published = instance.stored_state() == PublishState.PUBLISHED


@receiver(post_save, sender=Guide, dispatch_uid="api.webhooks.guide_published")
@receiver(post_save, sender=Runbook, dispatch_uid="api.webhooks.runbook_published")
def _published(sender, instance, **kwargs):
    if instance.status != PublishState.PUBLISHED or getattr(instance, "_api_was_published", True):
        return
    instance._api_was_published = True

    def published() -> GuidePublished | RunbookPublished:
        if sender is Guide:
            return {"kind": "guide", "guide": guide_json(instance)}
        return {"kind": "runbook", "runbook": runbook_json(instance)}

    emit("content.published", published)


@receiver(post_save, sender=Notification, dispatch_uid="api.webhooks.incident")
def _incident(sender, instance, created, **kwargs):
    if created and instance.incident_id:
        payload: IncidentNotification = instance.payload  # an incident's (status.payloads)
        data: IncidentUpdated = {"event": instance.event, **payload}
        emit("incident.updated", lambda: data)
