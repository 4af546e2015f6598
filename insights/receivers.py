"""What the dashboard hears from other apps. None of them imports insights: search sends its
own signals (search.events), tickets' new tickets are seen through post_save."""

import functools
import logging

from django.db import DatabaseError
from django.db.models.signals import post_save
from django.dispatch import receiver

from insights import recording
from search.events import result_opened, search_performed
from tickets.models import Ticket

log = logging.getLogger(__name__)


def never_in_the_way(function):
    """A search or a ticket goes on if the dashboard's counting fails (each record is its own
    transaction, so nothing of the sender's is undone); the failure is logged."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            function(*args, **kwargs)
        except DatabaseError:
            log.exception("Insights: could not record %s", function.__name__)

    return wrapper


@receiver(search_performed)
@never_in_the_way
def search_counted(sender, *, text, total, **kwargs):
    recording.record_search(text=text, total=total)


@receiver(result_opened)
@never_in_the_way
def result_counted(sender, *, text, **kwargs):
    recording.record_open(text=text)


@receiver(post_save, sender=Ticket)
@never_in_the_way
def ticket_sent(sender, instance, created, raw=False, **kwargs):
    """A ticket from the search page's "contact support" link carries the words searched."""
    if created and not raw and instance.search_query:
        recording.record_ticket(search_query=instance.search_query, now=instance.created_at)
