"""What subscribers are told. Each thing worth telling (an incident update, a maintenance
reminder, a postmortem, a component change) becomes one Notification, composed once inside
the write's transaction, and fanned out to subscribers by the task worker after the commit
(status.delivery)."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mail.chat import escape as chat_escape
from mail.links import absolute
from status import api, delivery, state
from status.formatting import format_timestamp
from status.models import (
    ComponentStatus,
    Event,
    Incident,
    IncidentStatus,
    MaintenanceStatus,
    Notification,
)
from status.payloads import NotificationIncident, NotificationPage, NotificationPayload

SUBJECTS = {
    Event.INCIDENT_CREATED: "[{impact} impact] {name}: {status}",
    Event.INCIDENT_UPDATED: "[Update] {name}: {status}",
    Event.INCIDENT_RESOLVED: "[Resolved] {name}",
    Event.MAINTENANCE_SCHEDULED: "[Scheduled maintenance] {name}, {start}",
    Event.MAINTENANCE_REMINDER: "[Maintenance in {minutes} minutes] {name}",
    Event.MAINTENANCE_STARTED: "[Maintenance started] {name}",
    Event.MAINTENANCE_UPDATED: "[Maintenance update] {name}: {status}",
    Event.MAINTENANCE_COMPLETED: "[Maintenance completed] {name}",
    Event.POSTMORTEM_PUBLISHED: "[Postmortem] {name}",
    Event.COMPONENT_UPDATED: "[{component}] {status}",
}


def event_for_update(update, *, first):
    incident = update.incident
    if incident.is_maintenance:
        if first:
            return Event.MAINTENANCE_SCHEDULED
        return {
            MaintenanceStatus.IN_PROGRESS: Event.MAINTENANCE_STARTED,
            MaintenanceStatus.COMPLETED: Event.MAINTENANCE_COMPLETED,
        }.get(update.status, Event.MAINTENANCE_UPDATED)
    if first:
        return Event.INCIDENT_CREATED
    if update.status == IncidentStatus.RESOLVED:
        return Event.INCIDENT_RESOLVED
    return Event.INCIDENT_UPDATED


def _when(moment):
    return f"{timezone.localtime(moment):%-d %b %Y, %H:%M} UTC" if moment else ""


def _page(current: state.StatusState) -> NotificationPage:
    return {
        "id": settings.STATUS_PAGE_ID,
        "status_indicator": current["indicator"],
        "status_description": current["description"],
    }


def _incident_payload(incident) -> NotificationIncident:
    return {
        **api.incident_json(incident),
        "postmortem_body": incident.postmortem_body or None,
        "postmortem_published_at": format_timestamp(incident.postmortem_published_at),
    }


def _compose(*, event, incident=None, update=None, component=None, context=None):
    """The Notification row (not yet saved) for one event."""
    context = dict(context or {})
    now = timezone.now()
    current = state.compute_state(now)[0]  # as of this transaction, this very change included
    payload: NotificationPayload
    fields = {"name": "", "status": "", "impact": "", "start": "", "minutes": "", "component": ""}
    if incident is not None:
        incident = Incident.objects.with_details().get(pk=incident.pk)
        fields.update(
            name=incident.name,
            status=(update.status_label if update else incident.status_label),
            impact=incident.get_impact_display(),
            start=_when(incident.scheduled_for),
            minutes=incident.reminder_minutes or "",
        )
        context.update(
            incident=incident,
            url=absolute(incident.get_absolute_url()),
            affects=[c.name for c in incident.components.all()],
            scheduled=(
                f"{_when(incident.scheduled_for)} to {_when(incident.scheduled_until)}"
                if incident.is_maintenance
                else ""
            ),
        )
        payload = {"page": _page(current), "incident": _incident_payload(incident)}
        component_ids = [c.pk for c in incident.components.all()]
    else:
        fields.update(component=component.name, status=context["new_label"])
        context.update(component=component, url=absolute(reverse("status:status-page")))
        payload = {
            "page": _page(current),
            "component_update": {
                "created_at": format_timestamp(now),
                "new_status": component.status,
                "old_status": context["old_status"],
                "id": context["change_code"],
                "component_id": component.code,
            },
            "component": {
                "created_at": format_timestamp(component.created_at),
                "id": component.code,
                "name": component.name,
                "status": component.status,
            },
        }
        component_ids = [component.pk]
    if update is not None:
        context.update(
            update=update,
            when=_when(update.display_at),
            changes=[
                (c.component.name, ComponentStatus(c.new_status).label.lower())
                for c in update.component_changes.all()
            ],
        )
    context.update(event=event, page_name=settings.STATUS_PAGE_NAME)
    subject = " ".join(SUBJECTS[event].format(**fields).split())[:300]
    text = render_to_string("status/email/notification_body.txt", context, using="text").strip()
    headline = f"*{chat_escape(subject)}*"
    chat_text = f"{headline}\n{chat_escape(text)}"
    return Notification(
        event=event,
        incident=incident,
        update=update,
        component=component,
        component_ids=component_ids,
        subject=subject,
        text=text,
        chat_text=chat_text,
        payload=payload,
    )


def _announce(notification):
    notification.save()
    transaction.on_commit(lambda: enqueue_fan_out(notification.pk))
    return notification


def enqueue_fan_out(notification_id):
    delivery.enqueue("fan_out", notification_id)


def announce_update(update, *, first):
    """The notification for an incident or maintenance update (if it asks for one)."""
    if not update.deliver_notifications:
        return None
    event = event_for_update(update, first=first)
    return _announce(_compose(event=event, incident=update.incident, update=update))


def announce_reminder(maintenance):
    return _announce(_compose(event=Event.MAINTENANCE_REMINDER, incident=maintenance))


def announce_postmortem(incident):
    return _announce(_compose(event=Event.POSTMORTEM_PUBLISHED, incident=incident))


def announce_component_change(component, *, old_status, change):
    return _announce(
        _compose(
            event=Event.COMPONENT_UPDATED,
            component=component,
            context={
                "old_status": old_status,
                "old_label": ComponentStatus(old_status).label.lower(),
                "new_label": ComponentStatus(component.status).label,
                "change_code": f"{change.pk}",
            },
        )
    )
