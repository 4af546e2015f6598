"""Anonymous pages from a shared cache, with the HTTP caching headers that go with them.

Traffic peaks when the platform is down: everyone opens the status page, the runbook and the
home page at once, and every anonymous visitor gets the same HTML. This middleware keeps that
HTML in the "pages" cache and answers from it before sessions, CSRF, authentication, URL
routing or the view run.

What is kept is decided by rules, not by a list of URLs:
- the request: GET (HEAD is answered from GET's entry, never stored), no session cookie (so
  staff and anyone signed in are never served from it nor stored in it), no Authorization,
  no NUL character anywhere (refused further in);
- the response: 200, not streamed, sets no cookie, does not vary on Cookie (Django adds
  `Vary: Cookie` when the view used the session, the user or a CSRF token), varies on nothing
  but htmx's headers, is not `private`/`no-cache`/`no-store` (`never_cache`: ticket pages,
  sign-in), and the view read no cookie by name (a view that reads one is personal, even if it
  says nothing about it).
Everything else goes out `private, no-store` unless the view chose its own Cache-Control.

An entry is keyed by scheme, host, path, query and htmx's request headers (but the page
address htmx sends along), and carries the *generation* it was rendered in. Any write to a
model that public pages show (content, status, the search index; signals connected in
helpcenter.apps) replaces the generation, so the next request renders again, in every process
that shares the cache (Redis). Without Redis each process has its own cache and sees writes
made by other processes (`manage.py` commands, the task worker) within PAGE_CACHE_SECONDS.
"""

import functools
import hashlib
import json
import logging
import os
import re
import secrets
import time
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag, split_header_value

from helpcenter.middleware import contains_nul

log = logging.getLogger(__name__)
GENERATION_KEY = "pages:generation"
# Apps whose rows public pages show; the models listed below are written by visitors and shown
# on no public page (counting them would empty the cache on every vote or search).
SHOWN_APPS = {"kb", "runbooks", "status", "search"}
NOT_SHOWN = {
    "kb.feedback",
    "search.searchquery",
    # Status subscriptions and their sending: every delivery is a write, none is shown.
    "status.subscriber",
    "status.notification",
    "status.delivery",
}
# The cookies every request's middleware reads (sessions, CSRF): their use by a view shows as
# `Vary: Cookie`. Any other cookie read by name makes the response personal.
MIDDLEWARE_COOKIES = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
PERSONAL_DIRECTIVES = {"private", "no-cache", "no-store"}
MAX_BYTES = 1024 * 1024
# htmx sends the address of the page it is on with every request; no view reads it.
UNKEYED_HTMX_HEADERS = {"hx-current-url"}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


# --------------------------------------------------------------------------- generation


def _new_generation():
    """When it started (for Last-Modified) and a random part (two writes in one millisecond)."""
    return f"{time.time():.3f}-{secrets.token_hex(6)}"


def current_generation():
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def invalidate():
    """Every cached page goes stale, in every process sharing the cache."""
    _cache().set(GENERATION_KEY, _new_generation(), None)


def _written(sender, **kwargs):
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in SHOWN_APPS or meta.label_lower in NOT_SHOWN:
        return
    if kwargs.get("action", "post_").startswith("post_"):  # m2m_changed: after the change
        # Now, for this transaction; again after commit, so that a page rendered from what
        # was read while the write was uncommitted is never served after it.
        invalidate()
        transaction.on_commit(invalidate)


def connect_signals():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_written, dispatch_uid=f"pagecache-{id(signal)}")


def repeat_on_cache_hits(request, function, **kwargs):
    """Call `function(request, **kwargs)` again whenever this response is served from the
    cache: for what a GET does besides rendering (counting a search in Content gaps).
    `function` must be a module-level function and kwargs plain values (they are pickled)."""
    request.__dict__.setdefault("_pagecache_repeats", []).append((function, kwargs))


# --------------------------------------------------------------------------- keys


@functools.cache
def _code_digest():
    digest = hashlib.sha256(django.get_version().encode())
    skip = {".git", ".venv", "node_modules", "staticfiles", "media", "tests", "__pycache__"}
    for folder, folders, files in os.walk(settings.BASE_DIR):
        folders[:] = sorted(f for f in folders if f not in skip and not f.startswith("."))
        for name in sorted(files):
            if Path(name).suffix in {".py", ".html", ".txt", ".svg", ".js", ".css"}:
                path = Path(folder, name)
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _version():
    """A hash of the code, the templates and the settings: after a deploy or a change of
    configuration no page rendered before is served (it could name static files that are
    gone, or carry an old policy), even from a shared Redis. Deterministic, so processes
    running the same code and configuration share entries."""
    values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    text = json.dumps(values, sort_keys=True, default=str)
    text = re.sub(r" at 0x[0-9a-f]+", "", text)  # no per-process addresses
    return hashlib.sha256((_code_digest() + text).encode()).hexdigest()[:16]


@receiver(setting_changed)
def _settings_changed(**kwargs):  # in tests; a real deploy restarts the processes
    _version.cache_clear()


def _key(request):
    htmx = sorted(
        f"{name.lower()}:{value}"
        for name, value in request.headers.items()
        if name.lower().startswith("hx-") and name.lower() not in UNKEYED_HTMX_HEADERS
    )
    parts = [request.scheme, request.get_host(), request.get_full_path(), *htmx]
    raw = "\n".join(parts).encode("utf-8", "backslashreplace")
    return f"pages:{_version()}:{hashlib.sha256(raw).hexdigest()}"


# --------------------------------------------------------------------------- rules


class _WatchedCookies(dict):
    """request.COOKIES, noting which cookies were read by name."""

    def __init__(self, cookies):
        super().__init__(cookies)
        self.read = set()

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)

    def __contains__(self, name):
        self.read.add(name)
        return super().__contains__(name)


def _shared_request(request):
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        # Refused further in (helpcenter.middleware), with the site's 400 page.
        and not contains_nul(request)
    )


def _directives(response):
    return {
        part.split("=")[0].lower() for part in split_header_value(response.get("Cache-Control", ""))
    }


def _shared_response(response, cookies):
    vary = {header.lower() for header in split_header_value(response.get("Vary", ""))}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (cookies.read - MIDDLEWARE_COOKIES)
        and all(header.startswith("hx-") for header in vary)  # no Cookie, no *
        and not (_directives(response) & PERSONAL_DIRECTIVES)
        and len(response.content) <= MAX_BYTES
    )


def _make_private(response):
    if "Cache-Control" not in response:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _make_public(response, generation):
    """Validators and a Cache-Control that lets a proxy or CDN absorb a spike."""
    if not response.has_header("ETag"):
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    if not response.has_header("Last-Modified"):
        # Nothing a cached page shows changed since the generation started.
        response["Last-Modified"] = http_date(float(generation.split("-")[0]))
    if "Cache-Control" not in response:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_MAX_AGE,
            stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
        )


def _conditional(request, response):
    """200, or 304 with the 200's headers (CORS, security headers) but not its body's."""
    answer = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(response["Last-Modified"]),
        response=response,
    )
    if answer is not response:
        for name, value in response.items():
            if name.lower() not in ("content-type", "content-length") and name not in answer:
                answer[name] = value
    return answer


# --------------------------------------------------------------------------- middleware


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _shared_request(request):
            return _make_private(self.get_response(request))
        try:
            key = _key(request)
            entry, generation = self._lookup(key)
        except DisallowedHost:
            raise
        except Exception:  # the cache is down: pages render, /healthz still answers
            log.warning("Page cache unavailable", exc_info=True)
            return _make_private(self.get_response(request))
        if entry is not None:
            return self._from_cache(request, entry)
        cookies = request.COOKIES = _WatchedCookies(request.COOKIES)
        response = self.get_response(request)
        if not _shared_response(response, cookies):
            return _make_private(response)
        _make_public(response, generation)
        if request.method == "GET":
            entry = {
                "generation": generation,
                "status": response.status_code,
                "headers": list(response.items()),
                "content": response.content,
                "repeats": request.__dict__.get("_pagecache_repeats", []),
            }
            _cache().set(key, entry, settings.PAGE_CACHE_SECONDS)
        response["X-Cache"] = "miss"
        return _conditional(request, response)

    def _lookup(self, key):
        """(entry or None, the generation to render in). The generation is read before
        rendering: a write committed meanwhile moves everyone to a newer one, so a page
        rendered from older data is never served after it."""
        cache = _cache()
        found = cache.get_many([GENERATION_KEY, key])
        generation, entry = found.get(GENERATION_KEY), found.get(key)
        if entry is not None and entry["generation"] == generation:
            # Maintenance that starts or ends by the clock is a write too (the status tick
            # moves it on), so it replaces the generation like any edit.
            return entry, generation
        return None, generation or current_generation()

    def _from_cache(self, request, entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Cache"] = "hit"
        for function, kwargs in entry["repeats"]:
            function(request, **kwargs)
        return _conditional(request, response)
