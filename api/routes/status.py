"""/api/v1/status/: open and update incidents, schedule maintenances (status:write).

What `manage.py status incident ...` and `status maintenance schedule` do, through the same
services (status.services), so subscribers hear of each step as they do from the admin. The
answers are the incidents as the public status API (Statuspage v2) shows them.
"""

from typing import Annotated, Literal

from django.db.models import Q
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from api.auth import require
from api.main import ERRORS, ProblemOut
from api.problems import Problem
from api.schemas import IsoTime, PathSlug, Text
from status import services
from status.api import incident_json
from status.models import Component, ComponentStatus, Impact, Incident, IncidentStatus
from status.models.incidents import MaintenanceStatus

router = Router()
SCOPE = {"x-scope": "status:write"}

Name = Annotated[Text, Field(min_length=1, max_length=200)]
Body = Annotated[Text, Field(min_length=1, max_length=20_000)]
ComponentName = Annotated[str, Field(max_length=100, pattern=r"^[-a-zA-Z0-9_]+$")]
ComponentStatusName = Literal[tuple(ComponentStatus.values)]
Components = Annotated[
    dict[ComponentName, ComponentStatusName],
    Field(
        max_length=100,
        description="Components (slug or code) and the status each moves to, e.g. "
        '`{"api": "partial_outage"}`.',
    ),
]


class IncidentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name
    body: Body = Field(description="The first update, as subscribers read it.")
    impact: Literal[tuple(Impact.values)] = Impact.MINOR
    status: Literal[tuple(IncidentStatus.values)] = IncidentStatus.INVESTIGATING
    components: Components = {}
    notify_subscribers: StrictBool = True


class UpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal[tuple(IncidentStatus.values) + tuple(MaintenanceStatus.values)] = Field(
        description="An incident's status (investigating ... resolved) or a maintenance's "
        "(scheduled ... completed)."
    )
    body: Body
    components: Components = Field(
        None,
        description="As for opening. Left out when resolving, the incident's components "
        "go back to operational.",
    )
    notify_subscribers: StrictBool = True


class MaintenanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name
    body: Body
    scheduled_for: IsoTime
    scheduled_until: IsoTime
    components: Annotated[list[ComponentName], Field(max_length=100)] = []
    reminder_minutes: Annotated[StrictInt, Field(ge=0, le=60 * 24 * 14)] | None = Field(
        None, description="When subscribers are reminded before it starts; 0 for never."
    )
    notify_subscribers: StrictBool = True


class IncidentOut(Schema):
    """An incident or maintenance, as the public status API (Statuspage v2) shows it."""

    id: str
    name: str
    status: str
    impact: str
    shortlink: str
    created_at: str | None
    updated_at: str | None
    started_at: str | None
    resolved_at: str | None
    scheduled_for: str | None = None
    scheduled_until: str | None = None
    incident_updates: list[dict]
    components: list[dict]


def _component(name):
    found = Component.objects.filter(Q(slug=name) | Q(code=name)).first()
    if found is None:
        known = ", ".join(Component.objects.values_list("slug", flat=True)) or "none yet"
        raise Problem(422, f"No component {name!r}; known: {known}.", kind="validation")
    return found


def _statuses(components):
    return {_component(name): status for name, status in (components or {}).items()}


def _answer(incident):
    return incident_json(Incident.objects.with_details().get(pk=incident.pk))


@router.post(
    "incidents",
    response={201: IncidentOut, ERRORS: ProblemOut},
    url_name="status-incident-create",
    summary="Open an incident",
    openapi_extra=SCOPE,
)
def incident_create(request, data: IncidentIn):
    require(request, "status:write")
    incident = services.open_incident(
        name=data.name,
        body=data.body,
        impact=data.impact,
        status=data.status,
        components=_statuses(data.components),
        notify_subscribers=data.notify_subscribers,
    )
    return Status(201, _answer(incident))


@router.post(
    "incidents/{slug:code}/updates",
    response={201: IncidentOut, ERRORS: ProblemOut},
    url_name="status-incident-update",
    summary="Post an update to an incident or maintenance (resolving it too)",
    openapi_extra=SCOPE,
)
def incident_update(request, code: PathSlug, data: UpdateIn):
    """A status of the other kind (a maintenance's for an incident) is a 409 listing the
    allowed ones; so is any update to an incident already resolved."""
    require(request, "status:write")
    incident = Incident.objects.filter(code=code).first()
    if incident is None:
        raise Problem(404, f"No incident or maintenance {code!r}.", kind="not-found")
    allowed = services.statuses_for(incident)
    if not incident.is_open:
        raise Problem(409, f"{code} is already {incident.status}.", kind="conflict", allowed=[])
    if data.status not in allowed:
        raise Problem(
            409,
            f"This {incident.get_kind_display().lower()} cannot be {data.status!r}.",
            kind="conflict",
            allowed=allowed,
        )
    closing = data.status in (IncidentStatus.RESOLVED, MaintenanceStatus.COMPLETED)
    if closing and data.components is None:
        services.resolve_incident(
            incident=incident, body=data.body, notify_subscribers=data.notify_subscribers
        )
    else:
        services.post_update(
            incident=incident,
            status=data.status,
            body=data.body,
            components=_statuses(data.components),
            notify_subscribers=data.notify_subscribers,
        )
    return Status(201, _answer(incident))


@router.post(
    "maintenances",
    response={201: IncidentOut, ERRORS: ProblemOut},
    url_name="status-maintenance-create",
    summary="Schedule a maintenance",
    openapi_extra=SCOPE,
)
def maintenance_create(request, data: MaintenanceIn):
    require(request, "status:write")
    if data.scheduled_until <= data.scheduled_for:
        raise Problem(422, "scheduled_until must be after scheduled_for.", kind="validation")
    maintenance = services.schedule_maintenance(
        name=data.name,
        body=data.body,
        scheduled_for=data.scheduled_for,
        scheduled_until=data.scheduled_until,
        components=[_component(name) for name in data.components],
        reminder_minutes=data.reminder_minutes,
        notify_subscribers=data.notify_subscribers,
    )
    return Status(201, _answer(maintenance))
