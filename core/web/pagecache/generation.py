"""The page cache's generation: a token every write to what public pages show replaces, so
no page rendered before the write is served after it, in any process sharing the cache."""

import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from core import generations

GENERATION_KEY = "pages:generation"


class ShownOnPublicPages:
    """A model whose rows public pages show: any write to one (or to its many-to-many links)
    empties the page cache. Models written by visitors and shown nowhere (votes, searches,
    subscriptions, deliveries) must not be marked, or every vote would empty the cache."""

    shown_on_public_pages = True


def shown(model):
    owner = model._meta.auto_created or model  # a many-to-many table belongs to its model
    return getattr(owner, "shown_on_public_pages", False)


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
    if getattr(sender, "_meta", None) is None or not shown(sender):
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
