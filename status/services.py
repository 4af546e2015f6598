"""Status writes: incidents, their updates, maintenances, postmortems, component statuses,
and the clock that moves maintenances on.

Every write here is one transaction, and tells subscribers (status.notify) unless asked not
to. Reads live elsewhere (status.state for the banner and the overall status, status.api for
the Statuspage JSON, status.uptime for the bars) and never write: `tick` (run by
`manage.py status tick` from cron or `make run`, and by the worker at each maintenance's
times) moves maintenances on by the clock.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from mail import outbox
from status import delivery, notify, subscriptions
from status.models import (
    CLOSED_STATUSES,
    ComponentStatus,
    Impact,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    IncidentUpdateComponent,
    Kind,
    MaintenanceStatus,
)
from status.state import active_incidents  # noqa: F401 (tickets reads it from here)

log = logging.getLogger(__name__)


def find_incident(code):
    """The incident or maintenance with this code, or for `latest` the unresolved incident
    updated last; None when there is none. What `manage.py status incident update` and
    Slack's /incident command take."""
    if code == "latest":
        return Incident.objects.incidents().unresolved().order_by("-updated_at", "-pk").first()
    return Incident.objects.filter(code=code).first()


def statuses_for(incident):
    """The statuses an update of `incident` may set."""
    return MaintenanceStatus.values if incident.is_maintenance else IncidentStatus.values


@transaction.atomic
def post_update(*, incident, status, body, components=None, at=None, notify_subscribers=True):
    """One step: the update, the incident's new status and the components' new statuses,
    and (unless told not to) the notification to subscribers."""
    at = at or timezone.now()
    first = not incident.updates.exists()
    update = IncidentUpdate.objects.create(
        incident=incident,
        status=status,
        body=body,
        display_at=at,
        created_at=at,
        deliver_notifications=notify_subscribers,
    )
    for component, new_status in (components or {}).items():
        old_status = component.status
        if old_status != new_status:
            component.set_status(new_status, at=at)
        IncidentUpdateComponent.objects.create(
            update=update, component=component, old_status=old_status, new_status=new_status
        )
    if components:
        incident.components.add(*components)
    incident.status = status
    if status == IncidentStatus.MONITORING and not incident.monitoring_at:
        incident.monitoring_at = at
    if status in CLOSED_STATUSES:
        incident.resolved_at = incident.resolved_at or at
    else:
        incident.resolved_at = None
    incident.updated_at = at
    incident.save()
    notify.announce_update(update, first=first)
    return update


@transaction.atomic
def open_incident(
    *,
    name,
    body,
    impact=Impact.MINOR,
    status=IncidentStatus.INVESTIGATING,
    components=None,
    guides=(),
    runbooks=(),
    at=None,
    code=None,
    notify_subscribers=True,
):
    at = at or timezone.now()
    incident = Incident(
        kind=Kind.INCIDENT,
        name=name,
        impact=impact,
        status=status,
        started_at=at,
        created_at=at,
        updated_at=at,
    )
    if code:
        incident.code = code
    incident.full_clean(exclude=["status"])
    incident.save()
    incident.guides.set(guides)
    incident.runbooks.set(runbooks)
    post_update(
        incident=incident,
        status=status,
        body=body,
        components=components,
        at=at,
        notify_subscribers=notify_subscribers,
    )
    return incident


def open_from_template(*, template, name=None, body=None, notify_subscribers=True):
    """An incident as the template describes it; `name` and `body` replace its own."""
    values = template.incident_values()
    values["name"] = name or values["name"]
    values["body"] = body or values["body"]
    return open_incident(**values, notify_subscribers=notify_subscribers)


def resolve_incident(*, incident, body, restore_components=True, at=None, notify_subscribers=True):
    """Resolve, putting the incident's components back to operational unless told not to."""
    components = {}
    if restore_components:
        components = dict.fromkeys(
            incident.components.exclude(status=ComponentStatus.OPERATIONAL),
            ComponentStatus.OPERATIONAL,
        )
    resolved = MaintenanceStatus.COMPLETED if incident.is_maintenance else IncidentStatus.RESOLVED
    return post_update(
        incident=incident,
        status=resolved,
        body=body,
        components=components,
        at=at,
        notify_subscribers=notify_subscribers,
    )


@transaction.atomic
def schedule_maintenance(
    *,
    name,
    scheduled_for,
    scheduled_until,
    body,
    components=(),
    at=None,
    code=None,
    reminder_minutes=None,
    notify_subscribers=True,
):
    at = at or timezone.now()
    maintenance = Incident(
        kind=Kind.MAINTENANCE,
        name=name,
        impact=Impact.NONE,
        status=MaintenanceStatus.SCHEDULED,
        scheduled_for=scheduled_for,
        scheduled_until=scheduled_until,
        started_at=scheduled_for,
        created_at=at,
        updated_at=at,
    )
    if code:
        maintenance.code = code
    if reminder_minutes is not None:
        maintenance.reminder_minutes = reminder_minutes or None
    maintenance.save()
    maintenance.components.set(components)
    post_update(
        incident=maintenance,
        status=MaintenanceStatus.SCHEDULED,
        body=body,
        at=at,
        notify_subscribers=notify_subscribers,
    )
    maintenance_saved(maintenance)
    return maintenance


def maintenance_saved(maintenance):
    """A maintenance was scheduled or its times changed: one already due moves on now, and
    the worker (a backend that can defer tasks) ticks at its reminder, start and end."""
    advance_maintenances(now=timezone.now(), pks=[maintenance.pk])
    maintenance.refresh_from_db()
    times = [maintenance.remind_at, maintenance.scheduled_for, maintenance.scheduled_until]
    for moment in times:
        if moment and moment > timezone.now():
            transaction.on_commit(lambda moment=moment: enqueue_tick(moment))


def enqueue_tick(run_after):
    """A tick when the next maintenance starts or ends (the clock's status.tick does it
    anyway, within 30 s, when the backend cannot wait)."""
    outbox.enqueue(tick_task, run_after=run_after)


MAINTENANCE_BODIES = {
    MaintenanceStatus.IN_PROGRESS: "Scheduled maintenance is currently in progress. "
    "We will provide updates as necessary.",
    MaintenanceStatus.COMPLETED: "The scheduled maintenance has been completed.",
}


def advance_maintenances(*, now=None, pks=None):
    """Move maintenances on by the clock (scheduled → in progress → completed).

    Run by `tick` (and for one maintenance when it is scheduled or rescheduled): never by a
    read. Returns how many maintenances moved.
    """
    now = now or timezone.now()
    due = Incident.objects.due_to_move(now)
    if pks is not None:
        due = due.filter(pk__in=pks)
    moved = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            maintenance = Incident.objects.select_for_update().get(pk=pk)
            while (new_status := maintenance.due_status(now)) != maintenance.status:
                if new_status == MaintenanceStatus.IN_PROGRESS:
                    at = maintenance.scheduled_for
                    # A component already in trouble keeps showing it: an outage is news
                    # that maintenance must not hide (and must not "end" either).
                    components = dict.fromkeys(
                        maintenance.components.filter(status=ComponentStatus.OPERATIONAL),
                        ComponentStatus.UNDER_MAINTENANCE,
                    )
                else:
                    at = maintenance.scheduled_until
                    components = dict.fromkeys(
                        maintenance.components.filter(status=ComponentStatus.UNDER_MAINTENANCE),
                        ComponentStatus.OPERATIONAL,
                    )
                post_update(
                    incident=maintenance,
                    status=new_status,
                    body=MAINTENANCE_BODIES[new_status],
                    components=components,
                    at=at,
                )
            moved += 1
    return moved


def send_reminders(*, now=None):
    """Tell subscribers a maintenance starts soon (once per maintenance)."""
    now = now or timezone.now()
    sent = 0
    for pk in Incident.objects.reminders_due(now).values_list("pk", flat=True):
        with transaction.atomic():
            maintenance = Incident.objects.select_for_update().get(pk=pk)
            if maintenance.reminded_at is not None:
                continue
            maintenance.reminded_at = now
            maintenance.save(update_fields=["reminded_at"])
            notify.announce_reminder(maintenance)
            sent += 1
    return sent


@transaction.atomic
def set_component_status(*, component, status, notify_subscribers=True, at=None):
    """A component's status changed outside an incident (staff, a monitoring script):
    subscribers who asked for component changes hear of it."""
    old_status = component.status
    if old_status == status:
        return False
    component.set_status(status, at=at)
    if notify_subscribers:
        change = component.history.order_by("-at", "-pk").first()
        notify.announce_component_change(component, old_status=old_status, change=change)
    return True


@transaction.atomic
def publish_postmortem(*, incident, body, notify_subscribers=True, at=None):
    """Publish (or correct) the postmortem of a resolved incident. Subscribers hear of it
    when it is first published."""
    if incident.is_maintenance or incident.is_open:
        raise ValidationError("A postmortem is published on a resolved incident.")
    if not body.strip():
        raise ValidationError("Write the postmortem first.")
    first = incident.postmortem_published_at is None
    incident.postmortem_body = body
    incident.postmortem_published_at = incident.postmortem_published_at or at or timezone.now()
    incident.status = IncidentStatus.POSTMORTEM
    incident.updated_at = at or timezone.now()
    incident.save()
    if first and notify_subscribers:
        notify.announce_postmortem(incident)
    return incident


def tick(*, now=None):
    """Everything the clock does. Idempotent, so cron, the worker and `make run`'s ticker
    may all run it, even at once."""
    now = now or timezone.now()
    done = {
        "reminded": send_reminders(now=now),
        "moved": advance_maintenances(now=now),
        "forgotten": subscriptions.forget_unconfirmed(now=now),
    }
    outcome = delivery.send_due()
    done.update(sent=outcome["sent"], failed=outcome["failed"])
    return done


@task
def tick_task():
    return tick()
