"""Generations: a token in a shared cache that every relevant write replaces. What is cached
under one generation is never served once it is replaced, in any process sharing the cache
(the page cache, the status cache)."""


def current(cache, key, make):
    """The current token, made (once, whoever comes first) if there is none."""
    value = cache.get(key)
    if value is None:
        cache.add(key, make(), None)
        value = cache.get(key)
    return value


def replace(cache, key, make):
    cache.set(key, make(), None)
