"""Subscribing, confirming, changing and leaving: the customer's side of notifications.

Links in emails carry signed tokens (django.core.signing, one salt per purpose): a confirm
link works for CONFIRM_DAYS, manage and unsubscribe links for as long as the subscription
exists. Nobody needs an account or a login.
"""

import secrets
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.addresses import address_key
from mail.links import absolute
from status.models import Channel, Delivery, Subscriber

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


def queue_email(subscriber, purpose):
    """Store one email to the subscriber (confirmation, manage link, notice); it is sent by
    the worker after the commit, with the outbox's retries."""
    from status import delivery

    queued = Delivery.objects.create(subscriber=subscriber, purpose=purpose)
    transaction.on_commit(lambda: delivery.enqueue("send", [queued.pk]))
    return queued


def subscribe_email(*, email, components=(), component_updates=False):
    """Ask `email` to confirm a subscription. An address already subscribed is sent a link
    to manage it instead (the page says the same either way: nobody learns who subscribed).
    """
    key = address_key(email)
    for _ in range(2):  # a second try if a twin request created the row meanwhile
        try:
            with transaction.atomic():
                subscriber = (
                    Subscriber.objects.select_for_update()
                    .filter(channel=Channel.EMAIL, address_key=key)
                    .first()
                )
                if subscriber is not None and subscriber.confirmed_at is not None:
                    queue_email(subscriber, Delivery.Purpose.MANAGE_LINK)
                    return subscriber
                if subscriber is None:
                    subscriber = Subscriber(channel=Channel.EMAIL, address_key=key)
                subscriber.email = email
                subscriber.component_updates = component_updates
                subscriber.save()
                subscriber.components.set(components)
                queue_email(subscriber, Delivery.Purpose.CONFIRMATION)
                return subscriber
        except IntegrityError:
            continue
    raise IntegrityError("could not subscribe")


@transaction.atomic
def register_webhook(
    *, url, email, channel=Channel.WEBHOOK, components=(), component_updates=False
):
    """A webhook (or chat webhook) that starts once `email` confirms it. Returns the
    subscriber and its signing secret, which is shown this once."""
    secret = secrets.token_hex(32) if channel == Channel.WEBHOOK else ""
    subscriber = Subscriber.objects.create(
        channel=channel,
        url=url,
        email=email,
        address_key=address_key(email),
        secret=secret,
        component_updates=component_updates,
    )
    subscriber.components.set(components)
    queue_email(subscriber, Delivery.Purpose.CONFIRMATION)
    return subscriber, secret


def confirm(subscriber):
    if subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at=None).update(
            confirmed_at=timezone.now()
        )
        subscriber.refresh_from_db()
    return subscriber


@transaction.atomic
def change_preferences(subscriber, *, components, component_updates):
    subscriber.component_updates = component_updates
    subscriber.save(update_fields=["component_updates"])
    subscriber.components.set(components)


@transaction.atomic
def unsubscribe(subscriber):
    """Gone at once: nothing queued for them is sent; the delivery log keeps no address."""
    subscriber.deliveries.filter(state__in=[Delivery.State.PENDING, Delivery.State.FAILED]).update(
        state=Delivery.State.CANCELLED
    )
    subscriber.delete()


@transaction.atomic
def disable_webhook(subscriber, *, reason):
    """After repeated failures: stop sending, and tell whoever registered it (once)."""
    if subscriber is None or subscriber.disabled_at is not None:
        return
    Subscriber.objects.filter(pk=subscriber.pk).update(
        disabled_at=timezone.now(), disabled_reason=reason[:300]
    )
    subscriber.deliveries.filter(
        purpose=Delivery.Purpose.NOTIFICATION,
        state__in=[Delivery.State.PENDING, Delivery.State.FAILED],
    ).update(state=Delivery.State.CANCELLED)
    queue_email(subscriber, Delivery.Purpose.DISABLED_NOTICE)


def enable(subscriber):
    Subscriber.objects.filter(pk=subscriber.pk).update(disabled_at=None, disabled_reason="")


def forget_unconfirmed(*, now=None):
    """Addresses nobody confirmed are not kept."""
    deleted, _ = Subscriber.objects.forgotten(now or timezone.now()).delete()
    return deleted


@transaction.atomic
def bounced(message_ids, *, permanent, why):
    """A status email came back undelivered: the inbound bounce handler passes the
    Message-IDs a well-formed delivery report names. Only the whole Message-ID of an email
    we sent counts (its 128 random bits: nobody who did not see the email can name it). A
    permanent failure (5.x.x) stops the email subscription: mailing an address that does
    not exist would only hurt our sending reputation. Returns how many subscriptions
    stopped."""
    ids = [m for m in message_ids if m]
    deliveries = Delivery.objects.filter(message_id__in=ids, sent_at__isnull=False)
    stopped = 0
    for delivery in deliveries.select_related("subscriber"):
        Delivery.objects.filter(pk=delivery.pk).update(last_error=f"Bounced: {why}"[:1000])
        subscriber = delivery.subscriber
        if (
            permanent
            and subscriber
            and subscriber.channel == Channel.EMAIL
            and subscriber.is_active
        ):
            Subscriber.objects.filter(pk=subscriber.pk).update(
                disabled_at=timezone.now(), disabled_reason=f"Emails bounced: {why}"[:300]
            )
            subscriber.deliveries.filter(
                state__in=[Delivery.State.PENDING, Delivery.State.FAILED]
            ).update(state=Delivery.State.CANCELLED)
            stopped += 1
    return stopped
