"""Who else has a ticket open: short-lived marks in the cache (any Django cache backend:
Redis in production, local memory in development), refreshed by the ticket page's poll.

Each agent's mark is its own key, so two agents refreshing at once never overwrite each
other; a small index per ticket lists who might be there, and marks that expired drop out.
"""

from django.core.cache import cache

from core.people import staff_name

TTL = 30  # seconds a mark lasts; the page refreshes it every 10 s
VIEWING, REPLYING = "viewing", "replying"


def _key(ticket_pk, user_pk=None):
    base = f"tickets:presence:{ticket_pk}"
    return base if user_pk is None else f"{base}:{user_pk}"


def mark(ticket_pk, user, state=VIEWING):
    name = staff_name(user)
    cache.set(_key(ticket_pk, user.pk), {"name": name, "state": state}, TTL)
    index = _key(ticket_pk)
    people = set(cache.get(index) or ())
    if user.pk not in people:
        cache.set(index, people | {user.pk}, TTL * 4)
    else:
        cache.touch(index, TTL * 4)


def leave(ticket_pk, user):
    cache.delete(_key(ticket_pk, user.pk))


def others(ticket_pk, user):
    """Everyone else with a live mark on the ticket: [{"name", "state"}], replying first."""
    people = [pk for pk in cache.get(_key(ticket_pk)) or () if pk != user.pk]
    if not people:
        return []
    marks = cache.get_many([_key(ticket_pk, pk) for pk in people])
    found = sorted(marks.values(), key=lambda m: (m["state"] != REPLYING, m["name"]))
    return found
