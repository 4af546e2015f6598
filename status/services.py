"""Status writes: incidents, their updates, maintenances and the clock that moves them.

Every write here is one transaction. Reads live elsewhere (status.state for the banner and
the overall status, status.api for the Statuspage JSON, status.uptime for the bars) and never
write: `tick` (run by `manage.py status tick` from cron, the worker or `make run`) moves
maintenances on by the clock.
"""

from django.db import transaction
from django.utils import timezone

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


@transaction.atomic
def post_update(*, incident, status, body, components=None, at=None):
    """One step: the update, the incident's new status and the components' new statuses."""
    at = at or timezone.now()
    update = IncidentUpdate.objects.create(
        incident=incident, status=status, body=body, display_at=at, created_at=at
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
    post_update(incident=incident, status=status, body=body, components=components, at=at)
    return incident


def resolve_incident(*, incident, body, restore_components=True, at=None):
    """Resolve, putting the incident's components back to operational unless told not to."""
    components = {}
    if restore_components:
        components = dict.fromkeys(
            incident.components.exclude(status=ComponentStatus.OPERATIONAL),
            ComponentStatus.OPERATIONAL,
        )
    resolved = MaintenanceStatus.COMPLETED if incident.is_maintenance else IncidentStatus.RESOLVED
    return post_update(incident=incident, status=resolved, body=body, components=components, at=at)


@transaction.atomic
def schedule_maintenance(
    *, name, scheduled_for, scheduled_until, body, components=(), at=None, code=None
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
    maintenance.save()
    maintenance.components.set(components)
    post_update(incident=maintenance, status=MaintenanceStatus.SCHEDULED, body=body, at=at)
    advance_maintenances(now=timezone.now(), pks=[maintenance.pk])  # one that started already
    return maintenance


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


def tick(*, now=None):
    """Everything the clock does: returns {"moved": n}. Idempotent, so cron, the worker and
    `make run`'s ticker may all run it."""
    return {"moved": advance_maintenances(now=now)}
