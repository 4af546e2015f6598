"""Files of a ticket form that came back with errors wait for its next send: capped per
network and in all, and kept an hour at most, so nobody can fill the disk with files of
forms they never send."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from tests.html import texts
from tests.tickets.test_attachments import LOG, PNG, log, png
from tickets import attachments
from tickets.models import Attachment, Ticket

BROKEN = {"email": "not an address", "description": "Typed with care: keep me."}


def _waiting():
    return sorted(a.name for a in Attachment.objects.filter(ticket__isnull=True))


def test_one_network_can_keep_only_so_much_waiting_and_is_told_so(
    client, content, ticket_data, settings
):
    settings.TICKET_PENDING_UPLOAD_BYTES_PER_NETWORK = len(LOG) + len(PNG) - 1
    response = client.post(
        "/support/", ticket_data(files=[log(), png()], **BROKEN), REMOTE_ADDR="203.0.113.7"
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert _waiting() == ["stream.log"]  # the second file went over the cap
    [error] = texts(html, "field-error")[-1:]
    assert "We could not keep screenshot.png while you correct the form" in error
    assert "from your network" in error and "Attach it again when you send" in error
    assert "Typed with care: keep me." in html  # nothing typed is lost
    # Another form from the same network (another person in the office) meets the same cap...
    again = client.post(
        "/support/",
        ticket_data(intake="form-2", files=[png()], **BROKEN),
        REMOTE_ADDR="203.0.113.7",
    )
    assert "We could not keep screenshot.png" in again.content.decode()
    # ...another network does not.
    other = client.post(
        "/support/",
        ticket_data(intake="form-3", files=[png()], **BROKEN),
        REMOTE_ADDR="198.51.100.1",
    )
    assert "could not keep" not in other.content.decode()
    assert _waiting() == ["screenshot.png", "stream.log"]


def test_an_ipv6_network_is_its_64_as_for_the_rate_limits(client, content, ticket_data, settings):
    settings.TICKET_PENDING_UPLOAD_BYTES_PER_NETWORK = len(LOG)
    client.post("/support/", ticket_data(files=[log()], **BROKEN), REMOTE_ADDR="2001:db8:1:2::1")
    html = client.post(
        "/support/",
        ticket_data(intake="form-2", files=[log("other.log")], **BROKEN),
        REMOTE_ADDR="2001:db8:1:2:ffff::9",  # another address of the same /64
    ).content.decode()
    assert "We could not keep other.log" in html
    assert _waiting() == ["stream.log"]


def test_behind_the_proxy_the_network_is_the_address_the_proxy_saw(
    client, content, ticket_data, settings
):
    settings.RATELIMIT_IP_META_KEY = "core.web.ip.client_ip"
    settings.TICKET_PENDING_UPLOAD_BYTES_PER_NETWORK = len(LOG)
    client.post(
        "/support/", ticket_data(files=[log()], **BROKEN), HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    forged = client.post(
        "/support/",
        ticket_data(intake="form-2", files=[log("b.log")], **BROKEN),
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7",  # a forged left-most entry
    )
    other = client.post(
        "/support/",
        ticket_data(intake="form-3", files=[log("c.log")], **BROKEN),
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert "could not keep b.log" in forged.content.decode()
    assert "could not keep" not in other.content.decode()


def test_all_networks_together_keep_only_so_much_waiting(client, content, ticket_data, settings):
    settings.TICKET_PENDING_UPLOAD_BYTES = 2 * len(LOG)
    for n, address in enumerate(["203.0.113.1", "203.0.113.2", "203.0.113.3"]):
        response = client.post(
            "/support/",
            ticket_data(intake=f"form-{n}", files=[log(f"{n}.log")], **BROKEN),
            REMOTE_ADDR=address,
        )
    html = response.content.decode()
    assert "We could not keep 2.log" in html and "are waiting right now" in html
    assert _waiting() == ["0.log", "1.log"]


def test_a_form_sent_frees_its_room_at_once(client, content, ticket_data, settings):
    settings.TICKET_PENDING_UPLOAD_BYTES_PER_NETWORK = len(LOG)
    client.post("/support/", ticket_data(files=[log()], **BROKEN))
    [kept] = Attachment.objects.all()
    sent = client.post("/support/", ticket_data(keep_files=[str(kept.pk)]))
    assert sent.status_code == 302
    assert [a.name for a in Ticket.objects.get().files.all()] == ["stream.log"]
    html = client.post(
        "/support/", ticket_data(intake="form-2", files=[log("next.log")], **BROKEN)
    ).content.decode()
    assert "could not keep" not in html and _waiting() == ["next.log"]


def test_files_wait_an_hour_and_the_form_says_when_one_is_gone(
    client, content, ticket_data, settings
):
    assert settings.TICKET_PENDING_UPLOAD_MINUTES == 60
    client.post("/support/", ticket_data(files=[log()], **BROKEN))
    [kept] = Attachment.objects.all()
    Attachment.objects.update(uploaded_at=timezone.now() - timedelta(minutes=61))
    response = client.post("/support/", ticket_data(keep_files=[str(kept.pk)]))
    html = response.content.decode()
    # Not sent without the file the customer meant to send: they are told, and re-attach it.
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "1 file you attached earlier waited more than 60 minutes and was removed" in html
    assert "Every request from our backend fails since this morning." in html
    assert not Attachment.objects.exists()


def test_the_periodic_sweep_deletes_files_after_the_hour(db):
    old = attachments.store("old.log", LOG, kind="text", content_type="t", intake="a")
    new = attachments.store("new.log", LOG, kind="text", content_type="t", intake="b")
    Attachment.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - timedelta(minutes=61))
    Attachment.objects.filter(pk=new.pk).update(uploaded_at=timezone.now() - timedelta(minutes=50))
    call_command("ticket_automations")
    assert list(Attachment.objects.all()) == [new]
    assert not old.file.storage.exists(old.file.name)


def test_expired_files_never_count_against_the_caps(client, content, ticket_data, settings):
    """Where no cron runs the sweep, setting files aside sweeps a batch first."""
    settings.TICKET_PENDING_UPLOAD_BYTES = len(LOG)
    client.post("/support/", ticket_data(files=[log()], **BROKEN), REMOTE_ADDR="203.0.113.1")
    Attachment.objects.update(uploaded_at=timezone.now() - timedelta(minutes=61))
    html = client.post(
        "/support/",
        ticket_data(intake="form-2", files=[log("new.log")], **BROKEN),
        REMOTE_ADDR="203.0.113.2",
    ).content.decode()
    assert "could not keep" not in html and _waiting() == ["new.log"]


def test_a_form_with_kept_files_sent_twice_is_still_one_ticket(client, content, ticket_data):
    """The second send of a double click names files the ticket has taken since: it goes
    to the same confirmation, not to a claim that the files waited too long."""
    client.post("/support/", ticket_data(files=[log()], **BROKEN))
    [kept] = Attachment.objects.all()
    data = ticket_data(keep_files=[str(kept.pk)])
    first, second = client.post("/support/", data), client.post("/support/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert [a.name for a in Ticket.objects.get().files.all()] == ["stream.log"]
