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
model marked ShownOnPublicPages (content, status, the search index; signals connected in
core.apps) replaces the generation, so the next request renders again, in every process
that shares the cache (Redis). Without Redis each process has its own cache and sees writes
made by other processes (`manage.py` commands, the task worker) within PAGE_CACHE_SECONDS.
"""

from core.web.pagecache.generation import (
    ShownOnPublicPages,
    connect_signals,
    current_generation,
    invalidate,
)
from core.web.pagecache.middleware import PageCacheMiddleware, repeat_on_cache_hits

__all__ = [
    "ShownOnPublicPages",
    "PageCacheMiddleware",
    "connect_signals",
    "current_generation",
    "invalidate",
    "repeat_on_cache_hits",
]
