"""Satisfaction surveys: "How did we do?" links in resolution emails, and recording the
answer. The links are signed (they carry the ticket, nothing else) and put in the email
only when it is sent, so no stored copy lets anyone rate in the customer's place."""

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from tickets.models import Rating, SatisfactionRating, Ticket

SALT = "tickets.satisfaction"
MAX_AGE = 60 * 24 * 3600  # a survey can be answered for 60 days
PLACEHOLDERS = {"[how did we do: good]": Rating.GOOD, "[how did we do: bad]": Rating.BAD}


def survey_path(ticket, rating):
    token = signing.dumps(ticket.pk, salt=SALT, compress=True)
    return reverse("tickets:rate", args=[token]) + f"?rating={rating}"


def ticket_for(token):
    """The ticket a survey link is about, or None for a wrong or expired link."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return Ticket.objects.filter(pk=pk).select_related("assignee").first()


def record(ticket, rating, *, comment=None):
    """Store (or change) the customer's rating; a comment only when given."""
    now = timezone.now()
    defaults = {
        "rating": Rating(rating),
        "agent": ticket.assignee,
        "category": ticket.category,
        "updated_at": now,
    }
    if comment is not None:
        defaults["comment"] = comment
    rated, _ = SatisfactionRating.objects.update_or_create(
        ticket=ticket, defaults=defaults, create_defaults={**defaults, "created_at": now}
    )
    return rated
