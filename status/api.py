"""The Statuspage v2 JSON: serialisers for components, incidents and updates, and the cached
documents the public API serves."""

import hashlib
import json
from datetime import datetime

from django.conf import settings
from django.db.models import Max

from mail.links import absolute
from status.formatting import format_timestamp, page_url
from status.models import Component, ComponentGroup, Incident, worst_component_status
from status.payloads import (
    AffectedComponent,
    ComponentGroupJSON,
    ComponentJSON,
    IncidentJSON,
    IncidentUpdateJSON,
    PageJSON,
    StatusDocument,
    StatusJSON,
)
from status.state import StatusState, cached, next_boundary, status_state

API_LIST_LIMIT = 50


def page_json(updated_at) -> PageJSON:
    return {
        "id": settings.STATUS_PAGE_ID,
        "name": settings.STATUS_PAGE_NAME,
        "url": page_url(),
        "time_zone": settings.STATUS_PAGE_TIME_ZONE,
        "updated_at": format_timestamp(updated_at),
    }


def page_updated_at():
    times = [
        Component.objects.aggregate(t=Max("updated_at"))["t"],
        ComponentGroup.objects.aggregate(t=Max("updated_at"))["t"],
        Incident.objects.aggregate(t=Max("updated_at"))["t"],
    ]
    return max((t for t in times if t), default=None)


def component_json(component, group_code=None) -> ComponentJSON:
    return {
        "id": component.code,
        "name": component.name,
        "status": component.status,
        "created_at": format_timestamp(component.created_at),
        "updated_at": format_timestamp(component.updated_at),
        "position": component.position,
        "description": component.description or None,
        "showcase": component.showcase,
        "start_date": component.start_date.isoformat() if component.start_date else None,
        "group_id": group_code,
        "page_id": settings.STATUS_PAGE_ID,
        "group": False,
        "only_show_if_degraded": component.only_show_if_degraded,
    }


def group_json(group, children) -> ComponentGroupJSON:
    return {
        "id": group.code,
        "name": group.name,
        "status": worst_component_status(c.status for c in children),
        "created_at": format_timestamp(group.created_at),
        "updated_at": format_timestamp(group.updated_at),
        "position": group.position,
        "description": group.description or None,
        "showcase": False,
        "start_date": None,
        "group_id": None,
        "page_id": settings.STATUS_PAGE_ID,
        "group": True,
        "only_show_if_degraded": False,
        "components": [c.code for c in children],
    }


def components_json() -> list[ComponentJSON | ComponentGroupJSON]:
    items: list[ComponentJSON | ComponentGroupJSON] = []
    for group, children in Component.objects.tree():
        if group is None:
            items.append(component_json(children[0]))
        else:
            items.append(group_json(group, children))
            items += [component_json(c, group.code) for c in children]
    return items


def incident_json(incident) -> IncidentJSON:
    data: IncidentJSON = {
        "id": incident.code,
        "name": incident.name,
        "status": incident.status,
        "created_at": format_timestamp(incident.created_at),
        "updated_at": format_timestamp(incident.updated_at),
        "monitoring_at": format_timestamp(incident.monitoring_at),
        "resolved_at": format_timestamp(incident.resolved_at),
        "impact": "maintenance" if incident.is_maintenance else incident.impact,
        "shortlink": absolute(incident.get_absolute_url()),
        "started_at": format_timestamp(incident.started_at),
        "page_id": settings.STATUS_PAGE_ID,
        "incident_updates": [update_json(u, incident) for u in incident.updates.all()],
        "components": [
            component_json(c, c.group.code if c.group else None) for c in incident.components.all()
        ],
    }
    if incident.is_maintenance:
        data["scheduled_for"] = format_timestamp(incident.scheduled_for)
        data["scheduled_until"] = format_timestamp(incident.scheduled_until)
    return data


def update_json(update, incident) -> IncidentUpdateJSON:
    changes: list[AffectedComponent] = [
        {
            "code": change.component.code,
            "name": change.component.name,
            "old_status": change.old_status,
            "new_status": change.new_status,
        }
        for change in update.component_changes.all()
    ]
    return {
        "id": update.code,
        "status": update.status,
        "body": update.body,
        "incident_id": incident.code,
        "created_at": format_timestamp(update.created_at),
        "updated_at": format_timestamp(update.updated_at),
        "display_at": format_timestamp(update.display_at),
        "affected_components": changes or None,
        "deliver_notifications": update.deliver_notifications,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incidents_json(queryset) -> list[IncidentJSON]:
    return [incident_json(i) for i in queryset.with_details()[:API_LIST_LIMIT]]


def status_json(state: StatusState) -> StatusJSON:
    return {"indicator": state["indicator"], "description": state["description"]}


def build(name: str) -> StatusDocument:
    state = status_state()
    body: StatusDocument = {"page": page_json(page_updated_at())}
    incidents = Incident.objects.incidents()
    maintenances = Incident.objects.maintenances()
    if name == "summary":
        body["components"] = components_json()
        body["incidents"] = incidents_json(incidents.unresolved())
        body["scheduled_maintenances"] = incidents_json(maintenances.unresolved().by_schedule())
        body["status"] = status_json(state)
    elif name == "status":
        body["status"] = status_json(state)
    elif name == "components":
        body["components"] = components_json()
    elif name == "incidents":
        body["incidents"] = incidents_json(incidents)
    elif name == "incidents-unresolved":
        body["incidents"] = incidents_json(incidents.unresolved())
    else:
        body["scheduled_maintenances"] = incidents_json(
            {
                "scheduled-maintenances": maintenances.order_by("-scheduled_for", "-pk"),
                "scheduled-maintenances-upcoming": maintenances.upcoming(),
                "scheduled-maintenances-active": maintenances.in_progress(),
            }[name]
        )
    return body


def api_document(name: str) -> tuple[bytes, str]:
    """(JSON bytes, ETag) for one Statuspage endpoint, cached until the next status change."""

    def compute(now: datetime) -> tuple[tuple[bytes, str], datetime | None]:
        body = json.dumps(build(name), separators=(",", ":")).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return (body, etag), next_boundary(now)

    return cached(f"api:{name}", compute)
