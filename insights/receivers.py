"""What insights hears from other apps. None of them imports insights: search announces
searches and opened results (search.events), tickets' new tickets are seen through post_save."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from answers.events import answered
from insights import counting, recording
from insights.counting import never_in_the_way
from insights.models import AnswerEvent
from search.events import result_opened, searched
from tickets.models import Ticket


@receiver(searched)
def search_sent(sender, *, request, query, total, tag, **kwargs):
    counting.count_search(request, query=query, total=total, tag=tag)


@receiver(result_opened)
def result_opened_by_someone(sender, *, request, query, **kwargs):
    counting.count_open(request, query=query)


@receiver(answered)
def question_answered(sender, *, request, query, answered, citation, search_total, **kwargs):
    counting.count_answer(
        request, query=query, answered=answered, citation=citation, search_total=search_total
    )


@receiver(post_save, sender=Ticket)
@never_in_the_way
def ticket_sent(sender, instance, created, raw=False, **kwargs):
    """A ticket from the search page's "contact support" link carries the words searched."""
    if created and not raw and instance.search_query:
        recording.record_ticket(search_query=instance.search_query, now=instance.created_at)
        # A ticket sent after an answer to the same words (within the ticket window).
        since = instance.created_at - recording.TICKET_WINDOW
        text = recording.normalize(instance.search_query)
        latest = (
            AnswerEvent.objects.filter(text=text, created_at__gte=since, ticket_followed=False)
            .order_by("-created_at")
            .values_list("pk", flat=True)[:1]
        )
        AnswerEvent.objects.filter(pk__in=list(latest)).update(ticket_followed=True)
