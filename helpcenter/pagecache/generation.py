"""The page cache's generation: a token every write to what public pages show replaces, so
no page rendered before the write is served after it, in any process sharing the cache."""

import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from helpcenter import generations

GENERATION_KEY = "pages:generation"
# Apps whose rows public pages show; the models listed below are written by visitors and shown
# on no public page (counting them would empty the cache on every vote or search).
SHOWN_APPS = {"kb", "runbooks", "status", "search"}
NOT_SHOWN = {
    "kb.feedback",
    "kb.outdatedreport",
    "search.searchquery",
    # Status subscriptions and their sending: every delivery is a write, none is shown.
    "status.subscriber",
    "status.notification",
    "status.delivery",
}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _new_generation():
    """When it started (for Last-Modified) and a random part (two writes in one millisecond)."""
    return f"{time.time():.3f}-{secrets.token_hex(6)}"


def current_generation():
    return generations.current(_cache(), GENERATION_KEY, _new_generation)


def invalidate():
    """Every cached page goes stale, in every process sharing the cache."""
    generations.replace(_cache(), GENERATION_KEY, _new_generation)


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
