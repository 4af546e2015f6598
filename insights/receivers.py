"""What the dashboard hears from other apps. None of them imports insights: search sends its
own signals (search.events), tickets' new tickets are seen through post_save."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from insights import recording
from search.events import result_opened, search_performed
from tickets.models import Ticket


@receiver(search_performed)
def search_counted(sender, *, text, total, **kwargs):
    recording.record_search(text=text, total=total)


@receiver(result_opened)
def result_counted(sender, *, text, **kwargs):
    recording.record_open(text=text)


@receiver(post_save, sender=Ticket)
def ticket_sent(sender, instance, created, raw=False, **kwargs):
    """A ticket from the search page's "contact support" link carries the words searched."""
    if created and not raw and instance.search_query:
        recording.record_ticket(search_query=instance.search_query, now=instance.created_at)
