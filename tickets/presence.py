"""Who else has a ticket open: short-lived marks in the cache (any Django cache backend:
Redis in production, local memory in development), refreshed by the ticket page's poll.

Each agent's mark is its own key, so two agents refreshing at once never overwrite each
other; a small index per ticket lists who might be there, and marks that expired drop out.
A reply sent leaves a second, separate mark ("just replied") for a minute: the page the
agent goes back to marks them viewing again at once.

The ticket page polls every 2 s (and at once when its agent starts or stops typing), so
"is replying" and "just replied" reach the other agent within 3 s.
"""

from django.core.cache import cache

from core.people import staff_name

TTL = 30  # seconds a mark lasts; the page refreshes it every 2 s
REPLIED_TTL = 60  # seconds "just replied" shows
VIEWING, REPLYING, REPLIED = "viewing", "replying", "replied"
ORDER = {REPLIED: 0, REPLYING: 1, VIEWING: 2}


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


def replied(ticket_pk, user):
    """`user` just sent a reply or note on the ticket: others see it for REPLIED_TTL."""
    cache.set(_key(ticket_pk, f"replied:{user.pk}"), {"name": staff_name(user)}, REPLIED_TTL)
    mark(ticket_pk, user)  # keeps them in the ticket's index


def leave(ticket_pk, user):
    cache.delete(_key(ticket_pk, user.pk))


def others(ticket_pk, user):
    """Everyone else with a live mark on the ticket: [{"name", "state"}], who just replied
    first, then who is replying."""
    people = [pk for pk in cache.get(_key(ticket_pk)) or () if pk != user.pk]
    if not people:
        return []
    keys = [_key(ticket_pk, pk) for pk in people]
    keys += [_key(ticket_pk, f"replied:{pk}") for pk in people]
    marks = cache.get_many(keys)
    found = {}
    for pk in people:
        live = marks.get(_key(ticket_pk, pk))
        if _key(ticket_pk, f"replied:{pk}") in marks:
            name = marks[_key(ticket_pk, f"replied:{pk}")]["name"]
            found[pk] = {"name": name, "state": REPLIED}
        elif live:
            found[pk] = live
    return sorted(found.values(), key=lambda m: (ORDER.get(m["state"], 3), m["name"]))
