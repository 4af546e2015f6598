"""/api/v1/: django-ninja's operations, each behind api.guard (tokens, rate limits,
idempotency, problems, ETags), the reference page, and a problem for any other address."""

from django.urls import path, re_path

from api import views
from api.guard import guarded
from api.main import api
from api.routes import (  # noqa: F401
    content,
    content_write,
    runbook_write,
    status,
    ticket_files,
    tickets,
    webhooks,
)

api.add_router("/tickets/", tickets.router, tags=["Tickets"])
api.add_router("/", content.router, tags=["Content"])  # with content_write's operations
api.add_router("/webhooks/", webhooks.router, tags=["Webhooks"])
api.add_router("/status/", status.router, tags=["Status"])

operations, _, _ = api.urls
for pattern in operations:
    pattern.callback = guarded(pattern.callback)

app_name = "api"
urlpatterns = [
    path("docs/", views.reference_page, name="reference"),
    *operations,
    re_path(r"^(?P<rest>[\s\S]*)$", guarded(views.not_found), name="not-found"),
]
