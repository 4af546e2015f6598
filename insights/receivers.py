"""What insights hears from other apps. None of them imports insights: search announces
searches and opened results (search.events), tickets' new tickets are seen through post_save."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from insights import counting, recording
from insights.counting import never_in_the_way
from search.events import result_opened, searched
from tickets.models import Ticket


@receiver(searched)
def search_sent(sender, *, request, query, total, tag, **kwargs):
    counting.count_search(request, query=query, total=total, tag=tag)


@receiver(result_opened)
def result_opened_by_someone(sender, *, request, query, **kwargs):
    counting.count_open(request, query=query)


@receiver(post_save, sender=Ticket)
@never_in_the_way
def ticket_sent(sender, instance, created, raw=False, **kwargs):
    """A ticket from the search page's "contact support" link carries the words searched."""
    if created and not raw and instance.search_query:
        recording.record_ticket(search_query=instance.search_query, now=instance.created_at)
