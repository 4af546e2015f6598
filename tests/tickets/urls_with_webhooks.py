"""The site's URLs with the inbound email webhooks on (as with an ANYMAIL_* secret set)."""

from django.urls import include, path

from helpcenter.urls import urlpatterns as site

urlpatterns = [*site, path("inbound/", include("tickets.webhooks"))]
