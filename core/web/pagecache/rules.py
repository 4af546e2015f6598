"""Which requests may be answered from the shared cache, and which responses may be kept in
it (the rules in core.web.pagecache's docstring), and the HTTP caching headers of each."""

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag, split_header_value

from core.web.middleware import contains_nul

# The cookies every request's middleware reads (sessions, CSRF): their use by a view shows as
# `Vary: Cookie`. Any other cookie read by name makes the response personal.
MIDDLEWARE_COOKIES = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
PERSONAL_DIRECTIVES = {"private", "no-cache", "no-store"}
MAX_BYTES = 1024 * 1024


class WatchedCookies(dict):
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


def shared_request(request):
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        # Refused further in (core.web.middleware), with the site's 400 page.
        and not contains_nul(request)
    )


def _directives(response):
    return {
        part.split("=")[0].lower() for part in split_header_value(response.get("Cache-Control", ""))
    }


def shared_response(response, cookies):
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


def make_private(response):
    if "Cache-Control" not in response:
        patch_cache_control(response, private=True, no_store=True)
    return response


def make_public(response, generation):
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


def conditional(request, response):
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
