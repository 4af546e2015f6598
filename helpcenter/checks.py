"""`manage.py check --deploy` checks for settings the site relies on in production."""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def unshared_cache_problem(*, workers):
    """Why `workers` web processes would each count rate limits on their own, or None.

    Used by the deploy check below and by gunicorn.conf.py, which refuses to start them.
    """
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or workers <= 1 or backend not in PER_PROCESS_CACHES:
        return None
    return (
        f"{workers} worker processes but no shared cache (REDIS_URL is not set): each process "
        "keeps its own rate-limit counters, so every limit is multiplied by the number of "
        "workers, and its own copy of the status banner and of cached pages."
    )


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """gunicorn starts WEB_CONCURRENCY workers when no --workers is given."""
    problem = unshared_cache_problem(workers=int(os.environ.get("WEB_CONCURRENCY") or 1))
    if problem:
        hint = "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0), or run a single worker."
        return [Error(problem, hint=hint, id="helpcenter.E001")]
    return []


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


@register(Tags.security, deploy=True)
def check_inbound_webhooks(app_configs, **kwargs):
    """An inbound webhook anyone may post to lets anyone write as any customer."""
    from mail import providers as webhooks

    problems = []
    for name in settings.INBOUND_PROVIDERS:
        if name not in webhooks.PROVIDERS:
            problems.append(
                Error(
                    f"INBOUND_PROVIDERS names {name!r}, which this help center cannot take "
                    "inbound email from.",
                    hint=f"Use one of: {', '.join(sorted(webhooks.PROVIDERS))}.",
                    id="helpcenter.E002",
                )
            )
        elif not webhooks.authentication(name):
            signed_by = webhooks.PROVIDERS[name].signed_by
            needed = (
                f"ANYMAIL_{signed_by}"
                if signed_by
                else "ANYMAIL_WEBHOOK_SECRET (user:password, for basic auth)"
            )
            problems.append(
                Error(
                    f"The inbound webhook of {name} has no authentication: it is not served, "
                    "and would take posts from anyone.",
                    hint=f"Set {needed}; see docs/running/email-security.md.",
                    id="helpcenter.E003",
                )
            )
    if settings.INBOUND_PROVIDERS and settings.TASK_BACKEND == "immediate":
        problems.append(
            Error(
                "Inbound webhooks are on but tasks run in the web process (TASK_BACKEND="
                "immediate): webhook mail is stored and waits, unprocessed, for "
                "`manage.py process_inbound` (parsing it in the web request would hold a "
                "worker for as long as a hostile message takes).",
                hint="Set TASK_BACKEND=database and run `manage.py db_worker`.",
                id="helpcenter.E004",
            )
        )
    return problems
