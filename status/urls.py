from django.urls import path, re_path

from status import feeds
from status.views import public, subscriptions

app_name = "status"

API = {
    "summary.json": "summary",
    "status.json": "status",
    "components.json": "components",
    "incidents.json": "incidents",
    "incidents/unresolved.json": "incidents-unresolved",
    "scheduled-maintenances.json": "scheduled-maintenances",
    "scheduled-maintenances/upcoming.json": "scheduled-maintenances-upcoming",
    "scheduled-maintenances/active.json": "scheduled-maintenances-active",
}

urlpatterns = [
    path("status/", public.status_page, name="status-page"),
    path("status/incidents/<slug:code>/", public.incident_detail, name="incident-detail"),
    path(
        "status/components/<slug:code>/history.atom",
        feeds.ComponentAtomFeed(),
        name="component-atom",
    ),
    path("status/subscribe/", subscriptions.subscription_create, name="subscription-create"),
    path("status/subscribe/sent/", subscriptions.subscription_sent, name="subscription-sent"),
    path(
        "status/subscribe/confirm/<str:token>/",
        subscriptions.subscription_confirm,
        name="subscription-confirm",
    ),
    path(
        "status/subscription/<str:token>/",
        subscriptions.subscription_manage,
        name="subscription-manage",
    ),
    path(
        "status/unsubscribe/<str:token>/",
        subscriptions.subscription_delete,
        name="subscription-delete",
    ),
    path("history/", public.uptime_history, name="history"),
    *[
        path(f"api/v2/{route}", public.api_document, {"name": name}, name=f"api-{name}")
        for route, name in API.items()
    ],
    # Anything else under the API is a JSON 404, never an HTML page.
    re_path(r"^api/v2(?:/(?P<rest>.*))?$", public.api_not_found, name="api-not-found"),
    path("history.atom", feeds.HistoryAtomFeed(), name="history-atom"),
    path("history.rss", feeds.HistoryRssFeed(), name="history-rss"),
    path("embed/status.js", public.embed_script, name="embed-script"),
    path("embed/frame", public.embed_frame, name="embed-frame"),
    path("badge.svg", public.badge_svg, name="badge"),
]
