"""Absolute URLs for what leaves the site (emails, webhooks, feeds, API bodies): always from
SITE_URL, never from a request, whose Host or X-Forwarded-Proto a client can forge (and a
cached answer is shared by every client)."""

from django.conf import settings


def absolute(path):
    """`path` ("/support/...") on the public site."""
    return settings.SITE_URL.rstrip("/") + path
