"""Notifications reach each subscriber exactly once: stored first, retried with backoff,
never twice after a crash or a retry, never to someone who left."""

import html
import json
import re
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from mail import outbox as retry
from status import api, delivery, services
from status.models import Channel, Delivery, Incident, Notification

pytestmark = pytest.mark.django_db

BROKEN_MAILER = {"default": {"BACKEND": "tests.tickets.broken_mailer.EmailBackend"}}


@pytest.fixture
def fan_out(django_capture_on_commit_callbacks):
    """Run a write and what it hands to the task worker after the commit."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def test_each_subscriber_gets_each_update_once(make_subscriber, open_incident, fan_out):
    subscribers = [make_subscriber() for _ in range(5)]
    incident = fan_out(lambda: open_incident("Elevated API errors"))
    assert sent_to() == sorted(s.email for s in subscribers)
    notification = Notification.objects.get()
    assert notification.recipients == 5 and notification.summary() == "Sent to 5 of 5"
    # The fan-out and every batch run again (a retried task): nothing new, nothing twice.
    delivery.fan_out(notification.pk)
    delivery.send(list(Delivery.objects.values_list("pk", flat=True)))
    assert len(mail.outbox) == 5 and Delivery.objects.count() == 5
    fan_out(lambda: services.resolve_incident(incident=incident, body="Fixed."))
    assert len(mail.outbox) == 10
    assert mail.outbox[-1].subject == "[Resolved] Elevated API errors"


def test_a_worker_killed_mid_batch_sends_nobody_twice(make_subscriber, open_incident, monkeypatch):
    for _ in range(6):
        make_subscriber()
    open_incident()  # the commit never happens in this test: we run the worker by hand
    notification = Notification.objects.get()
    ids = []
    from status.delivery import email

    original = email.message_for

    built = []

    def dies_at_the_fourth(item):
        built.append(item)
        if len(built) == 4:
            raise SystemExit("worker stopped")  # not an Exception: nothing catches it
        return original(item)

    monkeypatch.setattr(email, "message_for", dies_at_the_fourth)
    monkeypatch.setattr(delivery, "enqueue", lambda what, batch, **kw: ids.extend(batch))
    delivery.fan_out(notification.pk)
    with pytest.raises(SystemExit):
        delivery.send(ids)
    assert len(mail.outbox) == 3
    states = list(Delivery.objects.order_by("pk").values_list("state", flat=True))
    assert states == ["sent"] * 3 + ["sending"] + ["pending"] * 2

    monkeypatch.setattr(email, "message_for", original)
    delivery.send(ids)  # the batch runs again: the three sent are skipped
    assert len(mail.outbox) == 5
    # The claim the dead worker left is sent by the tick once its lease is over.
    later = timezone.now() + timedelta(minutes=16)
    assert delivery.send_due(now=later)["sent"] == 0  # not due at once: first the lease
    Delivery.objects.filter(state="failed").update(next_attempt_at=timezone.now())
    assert delivery.send_due()["sent"] == 1
    assert len(sent_to()) == len(set(sent_to())) == 6


def test_a_failing_mail_server_delays_but_loses_nothing(
    make_subscriber, open_incident, fan_out, settings
):
    for _ in range(10):
        make_subscriber()
    with override_settings(MAILERS=BROKEN_MAILER):
        fan_out(lambda: open_incident())
    assert mail.outbox == []
    deliveries = list(Delivery.objects.order_by("pk"))
    tried = [d for d in deliveries if d.attempts]
    assert all(d.state == "failed" and "Connection refused" in d.last_error for d in tried)
    # Not tried one by one against a dead server: once it failed, the rest wait for the retry
    # (only the few already on their way over parallel connections were tried).
    assert 1 <= len(tried) <= settings.STATUS_SMTP_CONNECTIONS
    untried = [d for d in deliveries if not d.attempts]
    assert len(untried) >= 10 - settings.STATUS_SMTP_CONNECTIONS
    assert all(d.state == "failed" and "Not tried" in d.last_error for d in untried)
    assert services.tick()["sent"] == 0  # not due yet
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert services.tick()["sent"] == 10
    assert len(mail.outbox) == 10
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}


def test_after_the_last_retry_a_delivery_is_given_up_and_visible(make_subscriber, open_incident):
    make_subscriber()
    open_incident()
    with override_settings(MAILERS=BROKEN_MAILER):
        delivery.fan_out(Notification.objects.get().pk)  # the first try
        for _ in retry.RETRY_MINUTES:
            Delivery.objects.update(next_attempt_at=timezone.now())
            delivery.send(list(Delivery.objects.values_list("pk", flat=True)))
    item = Delivery.objects.get()
    assert (item.state, item.attempts) == ("gave_up", len(retry.RETRY_MINUTES) + 1)
    assert Notification.objects.get().summary() == "Sent to 0 of 1, 1 failed"


def test_nothing_is_sent_to_who_left_or_never_confirmed(
    make_subscriber, open_incident, monkeypatch
):
    from status import subscriptions

    stays = make_subscriber("stays@example.com")
    leaves = make_subscriber("leaves@example.com")
    make_subscriber("unconfirmed@example.com", confirmed=False)
    open_incident()
    pending = []
    monkeypatch.setattr(delivery, "enqueue", lambda what, batch, **kw: pending.extend(batch))
    delivery.fan_out(Notification.objects.get().pk)
    subscriptions.unsubscribe(leaves)  # after the fan-out, before the send
    delivery.send(pending)
    assert sent_to() == [stays.email]
    assert Delivery.objects.filter(state="cancelled").count() == 1


def test_updates_reach_only_who_follows_the_components(
    make_subscriber, make_component, open_incident, fan_out
):
    api, billing = make_component(slug="api", name="API"), make_component(slug="billing")
    everything = make_subscriber("all@example.com")
    api_only = make_subscriber("api@example.com", components=[api])
    billing_only = make_subscriber("billing@example.com", components=[billing])
    fan_out(lambda: open_incident(components={api: "partial_outage"}))
    assert sent_to() == sorted([everything.email, api_only.email])
    mail.outbox.clear()
    fan_out(lambda: open_incident("No component named", components={}))
    assert sent_to() == sorted([everything.email, api_only.email, billing_only.email])


def test_staff_may_post_an_update_without_notifying(make_subscriber, open_incident, fan_out):
    make_subscriber()
    incident = fan_out(lambda: open_incident())
    fan_out(
        lambda: services.post_update(
            incident=incident, status="identified", body="Typo fix.", notify_subscribers=False
        )
    )
    assert len(mail.outbox) == 1
    assert incident.updates.first().deliver_notifications is False
    update = api.incident_json(Incident.objects.with_details().get(pk=incident.pk))
    assert [u["deliver_notifications"] for u in update["incident_updates"]] == [False, True]


def test_component_changes_only_for_who_asked(make_subscriber, make_component, fan_out):
    api = make_component(slug="api", name="API")
    asked = make_subscriber("asked@example.com", component_updates=True)
    make_subscriber("incidents-only@example.com")
    fan_out(lambda: services.set_component_status(component=api, status="degraded_performance"))
    assert sent_to() == [asked.email]
    assert mail.outbox[0].subject == "[API] Degraded performance"
    assert "API is now: degraded performance (was operational)." in mail.outbox[0].body


def test_maintenance_scheduled_reminded_started_completed(make_subscriber, make_component, fan_out):
    make_subscriber()
    dashboard = make_component(slug="dashboard", name="Dashboard")
    start = timezone.now() + timedelta(hours=2)
    fan_out(
        lambda: services.schedule_maintenance(
            name="Database upgrade", scheduled_for=start,
            scheduled_until=start + timedelta(hours=1), body="Read-only dashboard.",
            components=[dashboard],
        )
    )  # fmt: skip
    for moment in [
        start - timedelta(minutes=61),  # nothing yet
        start - timedelta(minutes=59),  # the reminder
        start - timedelta(minutes=30),  # nothing new
        start + timedelta(minutes=1),  # started
        start + timedelta(minutes=61),  # completed
    ]:
        fan_out(lambda moment=moment: services.tick(now=moment))
    when = f"{timezone.localtime(start):%-d %b %Y, %H:%M} UTC"
    assert [m.subject for m in mail.outbox] == [
        f"[Scheduled maintenance] Database upgrade, {when}",
        "[Maintenance in 60 minutes] Database upgrade",
        "[Maintenance started] Database upgrade",
        "[Maintenance completed] Database upgrade",
    ]


def test_postmortem_is_published_sanitised_and_announced_once(
    client, make_subscriber, open_incident, fan_out
):
    make_subscriber()
    incident = fan_out(lambda: open_incident())
    fan_out(lambda: services.resolve_incident(incident=incident, body="Fixed."))
    body = "## What happened\n\nA bad deploy.<script>alert(1)</script>"
    fan_out(lambda: services.publish_postmortem(incident=incident, body=body))
    fan_out(lambda: services.publish_postmortem(incident=incident, body=body + "\n\nMore."))
    assert [m.subject for m in mail.outbox][-1] == "[Postmortem] Elevated API errors"
    assert len(mail.outbox) == 3
    html = client.get(incident.get_absolute_url()).content.decode()
    assert '<h2 id="postmortem-title">Postmortem</h2>' in html
    assert "A bad deploy." in html and "More." in html and "<script>alert" not in html


@pytest.mark.parametrize("answer", [(500, None), (302, "http://127.0.0.1:1/admin/")])
def test_webhook_failures_are_retried_then_disable_it_with_a_notice(
    make_subscriber, open_incident, receiver, answer
):
    receiver.answer = answer
    url = receiver.url + "/hook/Call-555-0100-to-win"
    hook = make_subscriber("ops@example.com", channel=Channel.WEBHOOK, url=url)
    open_incident()
    delivery.fan_out(Notification.objects.get().pk)
    for _ in range(len(retry.RETRY_MINUTES) + 1):
        Delivery.objects.filter(purpose="notification").update(next_attempt_at=timezone.now())
        delivery.send(
            list(Delivery.objects.filter(purpose="notification").values_list("pk", flat=True))
        )
    assert len(receiver.received) == len(retry.RETRY_MINUTES) + 1  # the redirect never followed
    item = Delivery.objects.get(purpose="notification")
    assert (item.state, item.response_status) == ("gave_up", answer[0])
    hook.refresh_from_db()
    assert hook.disabled_at is not None and str(answer[0]) in hook.disabled_reason
    notice = Delivery.objects.get(purpose="disabled_notice")
    delivery.send([notice.pk])
    assert mail.outbox[-1].to == ["ops@example.com"]
    assert "Status webhook stopped" in mail.outbox[-1].subject
    body = mail.outbox[-1].body
    assert "your webhook on\n127.0.0.1\n" in body and "Call-555" not in body
    assert "/status/subscription/" in body  # the manage page shows the address whole


def test_chat_webhooks_get_a_readable_message(make_subscriber, open_incident, receiver, fan_out):
    make_subscriber(channel=Channel.CHAT, url=receiver.url + "/slack")
    fan_out(lambda: open_incident("Errors <on> the API & more"))
    body = json.loads(receiver.received[0]["body"])
    assert set(body) == {"text"}
    assert body["text"].startswith("*[Major impact] Errors &lt;on&gt; the API &amp; more")
    assert "https://help.example.com/status/incidents/" in body["text"]
    assert "X-Status-Signature-256" not in receiver.received[0]["headers"]


def test_a_webhook_whose_name_now_resolves_to_a_private_address_is_refused(
    make_subscriber, open_incident, monkeypatch, settings
):
    """Registered while public; DNS changed since (rebinding): the delivery is refused."""
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = False
    make_subscriber(channel=Channel.WEBHOOK, url="https://hooks.customer.example/status")
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 443))],
    )
    connected = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **kw: connected.append(a))
    open_incident()
    delivery.fan_out(Notification.objects.get().pk)
    delivery.send(list(Delivery.objects.values_list("pk", flat=True)))
    item = Delivery.objects.get()
    assert item.state == "failed" and item.last_error.startswith("Refused: ")
    assert connected == []


def synchronous_commit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_sending_does_not_wait_for_each_wal_flush_and_restores_the_setting():
    """The batch's claims and marks skip the WAL flush wait; nothing else does."""
    before = synchronous_commit()
    with delivery.relaxed_commits():
        assert synchronous_commit() == "off"
    assert synchronous_commit() == before != "off"


def test_a_notifications_page_links_to_its_deliveries(
    client, admin_user, make_subscriber, make_component, open_incident, fan_out
):
    make_subscriber(email="first@example.com")
    fan_out(lambda: open_incident("Elevated API errors"))
    make_subscriber(email="second@example.com")
    fan_out(
        lambda: open_incident(
            "Slow dashboard", components={make_component(): "degraded_performance"}
        )
    )
    first = Notification.objects.get(incident__name="Elevated API errors")
    client.force_login(admin_user)
    page = client.get(f"/admin/status/notification/{first.pk}/change/").content.decode()
    url = re.search(r'<a href="(/admin/status/delivery/\?[^"]+)">Sent to 1 of 1</a>', page)[1]
    response = client.get(html.unescape(url))
    assert response.status_code == 200
    assert [d.notification for d in response.context["cl"].result_list] == [first]
