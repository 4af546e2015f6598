"""The page cache (core/web/pagecache/) and what browsers and proxies are told."""

import os

from helpcenter.settings.env import DEBUG, env_bool
from helpcenter.settings.status import STATUS_CACHE_SECONDS

# Anonymous pages served from a cache (core/web/pagecache/), invalidated by any write to
# what they show. Off with DEBUG=1, so template edits show at once while developing.
PAGE_CACHE = env_bool("PAGE_CACHE", default=not DEBUG)
PAGE_CACHE_ALIAS = "pages"
# How long an entry may live: a bound on memory, and, without Redis, on how late another
# process's writes (`manage.py` commands, the task worker) show.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", STATUS_CACHE_SECONDS))
# What browsers, proxies and CDNs are told about anonymous pages (Cache-Control).
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "10"))
PAGE_STALE_WHILE_REVALIDATE = int(os.environ.get("PAGE_STALE_WHILE_REVALIDATE", "60"))
