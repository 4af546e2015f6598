from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from helpcenter import views

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("forms/token/", views.form_token, name="form-token"),
    path("kb/", include("kb.urls")),
    path("runbooks/", include("runbooks.urls")),
    path("search/", include("search.urls")),
    path("support/", include("tickets.urls")),
    path("", include("status.urls")),  # /status/, /api/v2/, /history.atom, /embed/, /badge.svg
    path("admin/", admin.site.urls),
]
if settings.ANYMAIL:  # inbound email webhooks, only once a secret or signing key is set
    urlpatterns.append(path("inbound/", include("tickets.webhooks")))
