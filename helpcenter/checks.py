"""`manage.py check --deploy` checks for settings the site relies on in production."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Emails, the status API, feeds and embeds link to SITE_URL, never to the request's host."""
    site = urlsplit(settings.SITE_URL)
    if not validate_host((site.hostname or "").lower(), settings.ALLOWED_HOSTS):
        return [
            Warning(
                f"SITE_URL ({settings.SITE_URL}) is not an address this site answers to "
                f"(ALLOWED_HOSTS: {', '.join(settings.ALLOWED_HOSTS)}).",
                hint="Set SITE_URL to the public address, e.g. https://help.example.com.",
                id="helpcenter.W001",
            )
        ]
    if settings.SECURE_SSL_REDIRECT and site.scheme != "https":
        return [
            Warning(
                f"SITE_URL ({settings.SITE_URL}) is not https although the site redirects "
                "to HTTPS.",
                hint="Use the https:// address in SITE_URL.",
                id="helpcenter.W002",
            )
        ]
    return []
