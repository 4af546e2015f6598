"""The middleware: answers from the cache before sessions, CSRF, authentication, routing or
the view run; otherwise renders, and keeps what the rules allow."""

import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse

from core.web.pagecache import rules
from core.web.pagecache.generation import GENERATION_KEY, _cache, current_generation
from core.web.pagecache.keys import key as cache_key

log = logging.getLogger("core.web.pagecache")


def repeat_on_cache_hits(request, function, **kwargs):
    """Call `function(request, **kwargs)` again whenever this response is served from the
    cache: for what a GET does besides rendering (counting a search in Content gaps).
    `function` must be a module-level function and kwargs plain values (they are pickled)."""
    request.__dict__.setdefault("_pagecache_repeats", []).append((function, kwargs))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not rules.shared_request(request):
            return rules.make_private(self.get_response(request))
        try:
            key = cache_key(request)
            entry, generation = self._lookup(key)
        except DisallowedHost:
            raise
        except Exception:  # the cache is down: pages render, /healthz still answers
            log.warning("Page cache unavailable", exc_info=True)
            return rules.make_private(self.get_response(request))
        if entry is not None:
            return self._from_cache(request, entry)
        cookies = request.COOKIES = rules.WatchedCookies(request.COOKIES)
        response = self.get_response(request)
        if not rules.shared_response(response, cookies):
            return rules.make_private(response)
        rules.make_public(response, generation)
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
        return rules.conditional(request, response)

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
        return rules.conditional(request, response)
