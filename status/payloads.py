"""The shapes of the JSON status sends out: the Statuspage v2 documents (status.api), the
notification payloads stored with each Notification and POSTed to webhook subscribers
(status.notify, status.delivery.webhooks), and what the API's outgoing webhooks pass on
(api.webhooks). TypedDicts, not classes: these are stored as JSON and cached, and must stay
the plain dicts they are on the wire. Timestamps are Statuspage's strings
(status.formatting.format_timestamp), None where there is no time."""

from typing import NotRequired, TypedDict

# Statuspage v2 documents (status.api).


class PageJSON(TypedDict):
    id: str
    name: str
    url: str
    time_zone: str
    updated_at: str | None


class ComponentJSON(TypedDict):
    id: str
    name: str
    status: str
    created_at: str | None
    updated_at: str | None
    position: int
    description: str | None
    showcase: bool
    start_date: str | None
    group_id: str | None
    page_id: str
    group: bool
    only_show_if_degraded: bool


class ComponentGroupJSON(ComponentJSON):
    components: list[str]  # the codes of the group's components


class AffectedComponent(TypedDict):
    code: str
    name: str
    old_status: str
    new_status: str


class IncidentUpdateJSON(TypedDict):
    id: str
    status: str
    body: str
    incident_id: str
    created_at: str | None
    updated_at: str | None
    display_at: str | None
    affected_components: list[AffectedComponent] | None
    deliver_notifications: bool
    custom_tweet: None
    tweet_id: None


class IncidentJSON(TypedDict):
    id: str
    name: str
    status: str
    created_at: str | None
    updated_at: str | None
    monitoring_at: str | None
    resolved_at: str | None
    impact: str  # "maintenance" for a maintenance
    shortlink: str
    started_at: str | None
    page_id: str
    incident_updates: list[IncidentUpdateJSON]
    components: list[ComponentJSON]
    scheduled_for: NotRequired[str | None]  # maintenances only
    scheduled_until: NotRequired[str | None]  # maintenances only


class StatusJSON(TypedDict):
    indicator: str
    description: str


class StatusDocument(TypedDict):
    """One endpoint's body (status.api.build): the page, and what that endpoint lists."""

    page: PageJSON
    components: NotRequired[list[ComponentJSON | ComponentGroupJSON]]
    incidents: NotRequired[list[IncidentJSON]]
    scheduled_maintenances: NotRequired[list[IncidentJSON]]
    status: NotRequired[StatusJSON]


# Notification payloads (status.notify): Statuspage's webhook body, less `meta`.


class NotificationPage(TypedDict):
    id: str
    status_indicator: str
    status_description: str


class NotificationIncident(IncidentJSON):
    postmortem_body: str | None
    postmortem_published_at: str | None


class IncidentNotification(TypedDict):
    page: NotificationPage
    incident: NotificationIncident


class ComponentUpdateJSON(TypedDict):
    created_at: str | None
    new_status: str
    old_status: str
    id: str
    component_id: str


class NotificationComponent(TypedDict):
    created_at: str | None
    id: str
    name: str
    status: str


class ComponentNotification(TypedDict):
    page: NotificationPage
    component_update: ComponentUpdateJSON
    component: NotificationComponent


type NotificationPayload = IncidentNotification | ComponentNotification


# What a webhook subscriber receives (status.delivery.webhooks).


class WebhookMeta(TypedDict):
    unsubscribe: str
    documentation: str
    event: str
    delivery_id: str


class ChatBody(TypedDict):
    """A chat webhook's body (Slack and the like): the text alone."""

    text: str
