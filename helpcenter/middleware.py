"""Site-wide request checks that run before any view reads the request."""

import logging

from django.http import QueryDict
from django.views.defaults import bad_request

NUL = "\x00"
log = logging.getLogger("django.security.NulCharacter")


def _texts(request):
    """Every string a view may read from the request: path, query, form, cookies, headers."""
    yield request.path
    try:
        form = request.POST
    except OSError:  # the client went away mid-body: the CSRF check answers it (403)
        form = QueryDict()
    for data in (request.GET, form):
        for key, values in data.lists():
            yield key
            yield from values
    yield from request.COOKIES.keys()
    yield from request.COOKIES.values()
    yield from (value for key, value in request.META.items() if key.startswith("HTTP_"))


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
        if any(NUL in text for text in _texts(request)):
            # One line, not Django's traceback for suspicious requests: scanners send these.
            log.warning("Refused a request holding a NUL character: %r", request.path)
            return bad_request(request, exception=None)
        return get_response(request)

    return middleware
