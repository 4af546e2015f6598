from django.contrib import admin
from django.urls import include, path

from answers import views as answer_views
from api import mcp_http
from api import views as api_views
from helpcenter import views

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("forms/token/", views.form_token, name="form-token"),
    # Markdown for programs and language models (api/twins.py).
    path("llms.txt", api_views.llms_txt, name="llms-txt"),
    path("llms-full.txt", api_views.llms_full_txt, name="llms-full-txt"),
    path("kb/<slug:slug>.md", api_views.guide_markdown, name="guide-markdown"),
    path("runbooks/<slug:slug>.md", api_views.runbook_markdown, name="runbook-markdown"),
    path("faq/<slug:slug>.md", api_views.faq_markdown, name="faq-markdown"),
    path("kb/", include("kb.urls")),
    path("runbooks/", include("runbooks.urls")),
    path("search/", include("search.urls")),
    path("support/", include("tickets.urls")),
    path("answers/", include("answers.urls")),
    path("api/v1/", include("api.urls")),
    path("api/answers/", answer_views.answer_api, name="answers-api"),
    # The MCP server for AI assistants (api/mcp_server.py), behind API tokens.
    path("mcp", mcp_http.mcp_endpoint, name="mcp"),
    path("", include("status.urls")),  # /status/, /api/v2/, /history.atom, /embed/, /badge.svg
    # Inbound email webhooks: only the providers configured with their authentication
    # answer (INBOUND_PROVIDERS); any other is a 404.
    path("inbound/", include("mail.providers")),
    # What Slack posts back: a card's buttons, slash commands (signed; 404 until set up).
    path("integrations/slack/", include("slack.urls")),
    path("admin/", admin.site.urls),
]
