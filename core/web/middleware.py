"""Site-wide request handling: request IDs and timings, and checks that run before any view
reads the request."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.views.defaults import bad_request

from core.logs import request_id

NUL = "\x00"
log = logging.getLogger("django.security.NulCharacter")
requests_log = logging.getLogger("helpcenter.requests")
# What an incoming X-Request-ID (from the proxy or the client) may be to be kept as is:
# a UUID, a hex or base64url token, a "Root=1-..." trace id. Anything else gets a new one.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")


def request_log(get_response):
    """Gives each request an ID (the incoming X-Request-ID if it is sane), sent back in the
    response's X-Request-ID, in gunicorn's access log and on every log line of the request;
    logs requests slower than SLOW_REQUEST_MS with their SQL query count."""

    def middleware(request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id.set(rid)
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        start = time.perf_counter()
        try:
            with connection.execute_wrapper(count):
                response = get_response(request)
            response["X-Request-ID"] = rid
            elapsed_ms = (time.perf_counter() - start) * 1000
            if elapsed_ms >= settings.SLOW_REQUEST_MS:
                requests_log.warning(
                    "Slow request: %s %s %s in %d ms, %d SQL queries",
                    request.method,
                    request.path,
                    response.status_code,
                    elapsed_ms,
                    queries[0],
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round(elapsed_ms),
                        "queries": queries[0],
                    },
                )
            return response
        finally:
            request_id.reset(token)

    return middleware


def reads_own_body(view):
    """Marks a view that reads its request body itself, under its own size limit and with its
    own handling of what the body holds (the inbound email webhooks: a raw message may hold
    a NUL and be 25 MB). The form is not parsed for it before the view runs."""
    view.reads_own_body = True
    return view


def refuses_nul_with(answer):
    """Marks a view whose requests holding a NUL are refused with `answer(request)` rather
    than the 400 page (the REST API answers problem details)."""

    def mark(view):
        view.nul_answer = answer
        return view

    return mark


def _view(request):
    try:
        return resolve(request.path_info).func
    except Resolver404:
        return None


def _reads_own_body(request):
    return getattr(_view(request), "reads_own_body", False)


def _texts(request):
    """Every string a view may read from the request: path, query, form, cookies, headers."""
    yield request.path
    try:
        form = QueryDict() if _reads_own_body(request) else request.POST
    except OSError:  # the client went away mid-body: the CSRF check answers it (403)
        form = QueryDict()
    for data in (request.GET, form):
        for key, values in data.lists():
            yield key
            yield from values
    yield from request.COOKIES.keys()
    yield from request.COOKIES.values()
    yield from (value for key, value in request.META.items() if key.startswith("HTTP_"))


def contains_nul(request):
    return any(NUL in text for text in _texts(request))


def reject_nul_characters(get_response):
    """Refuse any request carrying a NUL character with the 400 page, before a view reads it.

    No person types a NUL, and PostgreSQL cannot store one (every query holding it fails with
    a 500). Refusing here covers every view at once; stripping would silently change tokens,
    slugs and text, and would have to rewrite each of the request's dictionaries to do so.
    Undecodable bytes need nothing here: Django reads invalid UTF-8 (and so lone surrogates)
    in query strings, form bodies and cookies as U+FFFD, which both databases store, and
    keeps it percent-encoded in the path.
    """

    def middleware(request):
        if contains_nul(request):
            # One line, not Django's traceback for suspicious requests: scanners send these.
            log.warning("Refused a request holding a NUL character: %r", request.path)
            answer = getattr(_view(request), "nul_answer", None)
            return answer(request) if answer else bad_request(request, exception=None)
        return get_response(request)

    return middleware
