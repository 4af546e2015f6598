"""Links in status emails carry signed tokens (django.core.signing, one salt per purpose): a
confirm link works for CONFIRM_DAYS, manage and unsubscribe links for as long as the
subscription exists. Nobody needs an account or a login."""

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from mail.links import absolute
from status.models import Subscriber

CONFIRM_DAYS = 7
LINKS = {
    "confirm": "status:subscription-confirm",
    "manage": "status:subscription-manage",
    "unsubscribe": "status:subscription-delete",
}


def token(subscriber, purpose):
    return signing.dumps(subscriber.code, salt=f"status.subscriber.{purpose}")


def link(subscriber, purpose):
    return absolute(reverse(LINKS[purpose], args=[token(subscriber, purpose)]))


def subscriber_for(value, purpose):
    """The subscriber a link's token names, or None (forged, expired, or since deleted)."""
    max_age = timedelta(days=CONFIRM_DAYS) if purpose == "confirm" else None
    try:
        code = signing.loads(value, salt=f"status.subscriber.{purpose}", max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(code, str):
        return None
    return Subscriber.objects.filter(code=code).first()
