"""Subscribing, confirming, changing and leaving: the customer's side of notifications (the
links in their emails: status.links)."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.addresses import address_key
from status import delivery
from status.models import Channel, Delivery, Subscriber


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
                    delivery.queue_email(subscriber, Delivery.Purpose.MANAGE_LINK)
                    return subscriber
                if subscriber is None:
                    subscriber = Subscriber(channel=Channel.EMAIL, address_key=key)
                subscriber.email = email
                subscriber.component_updates = component_updates
                subscriber.save()
                subscriber.components.set(components)
                delivery.queue_email(subscriber, Delivery.Purpose.CONFIRMATION)
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
    delivery.queue_email(subscriber, Delivery.Purpose.CONFIRMATION)
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
def enable(subscriber):
    Subscriber.objects.filter(pk=subscriber.pk).update(disabled_at=None, disabled_reason="")


def forget_unconfirmed(*, now=None):
    """Addresses nobody confirmed are not kept."""
    deleted, _ = Subscriber.objects.forgotten(now or timezone.now()).delete()
    return deleted


@transaction.atomic
def bounced(message_ids: list[str], *, permanent: bool, why: str) -> int:
    """A status email came back undelivered: the inbound bounce handler passes the
    Message-IDs a well-formed delivery report names. Only the whole Message-ID of an email
    we sent counts (its 128 random bits: nobody who did not see the email can name it). A
    permanent failure (5.x.x) stops the email subscription: mailing an address that does
    not exist would only hurt our sending reputation. Returns how many subscriptions
    stopped."""
    ids = [m for m in message_ids if m]
    deliveries = Delivery.objects.filter(message_id__in=ids, sent_at__isnull=False)
    stopped = 0
    for bounced_delivery in deliveries.select_related("subscriber"):
        Delivery.objects.filter(pk=bounced_delivery.pk).update(last_error=f"Bounced: {why}"[:1000])
        subscriber = bounced_delivery.subscriber
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
