from django.urls import path, re_path

from status import feeds, views

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
    path("status/", views.status_page, name="status-page"),
    path("status/incidents/<slug:code>/", views.incident_detail, name="incident-detail"),
    *[
        path(f"api/v2/{route}", views.api_document, {"name": name}, name=f"api-{name}")
        for route, name in API.items()
    ],
    # Anything else under the API is a JSON 404, never an HTML page.
    re_path(r"^api/v2(?:/(?P<rest>.*))?$", views.api_not_found, name="api-not-found"),
    path("history.atom", feeds.HistoryAtomFeed(), name="history-atom"),
    path("history.rss", feeds.HistoryRssFeed(), name="history-rss"),
    path("embed/status.js", views.embed_script, name="embed-script"),
    path("embed/frame", views.embed_frame, name="embed-frame"),
    path("badge.svg", views.badge_svg, name="badge"),
]
