"""When an outbox tries again: minutes to wait after each failed attempt, then give up.

Ticket emails keep their own copy of the schedule (tickets/emails.py); new outboxes use this.
"""

from datetime import timedelta

RETRY_MINUTES = (1, 5, 30, 120, 720)


def next_attempt_at(attempts, *, now, schedule=RETRY_MINUTES):
    """After `attempts` failed tries: when to try again, or None once the schedule is spent
    (about 15 hours with the default)."""
    if attempts > len(schedule):
        return None
    return now + timedelta(minutes=schedule[max(attempts, 1) - 1])
