"""Files on tickets: accepted by content, kept when a form comes back, and only ever served
as downloads to whoever holds the ticket's link (or staff who may view tickets)."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.html import texts
from tests.tickets.inbound import MAIL
from tests.tickets.links import emailed_link, link_in
from tickets import emails, merging, services
from tickets.models import Attachment, Ticket

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154"
    "78da63f8cfc0f01f0005000201a1f1d5e80000000049454e44ae426082"
)
LOG = b"2026-11-29T10:00:31Z stream closed: timeout\n"


def png(name="screenshot.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def log(name="stream.log"):
    return SimpleUploadedFile(name, LOG, content_type="text/plain")


def test_files_sent_with_the_form_are_on_the_ticket(client, content, ticket_data):
    response = client.post("/support/", ticket_data(files=[png(), log()]))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    first = ticket.messages.get()
    kinds = [(a.name, a.kind, a.content_type) for a in first.attachments.all()]
    assert kinds == [
        ("screenshot.png", "image", "image/png"),
        ("stream.log", "text", "text/plain; charset=utf-8"),
    ]
    html = client.get(emailed_link(ticket)).content.decode()
    assert texts(html, "message__files")[0].startswith("screenshot.png (Image, 70")


def test_a_file_is_judged_by_its_content_not_its_name(client, content, ticket_data):
    disguised = SimpleUploadedFile("photo.png", b"MZ\x90\x00\x03\x00\x00\x00" * 8)
    response = client.post(
        "/support/", ticket_data(files=[disguised, log()], description="Keep this text.")
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "photo.png is not a kind of file we take" in html
    assert "Keep this text." in html
    # The good file waits with the form, ticked; sending again attaches it.
    [kept] = Attachment.objects.filter(ticket__isnull=True)
    assert f'name="keep_files" value="{kept.pk}"' in html and "stream.log" in html
    client.post("/support/", ticket_data(keep_files=[str(kept.pk)]))
    assert [a.name for a in Ticket.objects.get().files.all()] == ["stream.log"]


def test_a_file_left_unticked_is_dropped(client, content, ticket_data):
    client.post("/support/", ticket_data(files=[log()], email="not an address"))
    assert Attachment.objects.count() == 1
    client.post("/support/", ticket_data())  # sent again, the file unticked
    assert not Ticket.objects.get().files.exists()
    assert not Attachment.objects.exists()


def test_files_over_the_size_limit_are_refused_with_the_limit(
    client, content, ticket_data, settings
):
    settings.TICKET_ATTACHMENT_MAX_BYTES = 50
    html = client.post("/support/", ticket_data(files=[png()])).content.decode()
    assert "screenshot.png is 70\xa0bytes; files can be up to 50\xa0bytes." in html


def test_downloads_never_render_in_the_browser(client, content, make_ticket, agent):
    ticket = make_ticket()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    services.customer_reply(
        ticket,
        "See files.",
        files=[
            _stored("x.svg", svg, ticket),
            _stored("page.html", b"<script>alert(1)</script>", ticket),
        ],
    )
    link = emailed_link(ticket)
    for attachment in Attachment.objects.all():
        response = client.get(f"{link}files/{attachment.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]


def _stored(name, content, ticket):
    from tickets import attachments

    kind, content_type = attachments.sniff(content)
    return attachments.store(name, content, kind=kind, content_type=content_type)


def test_a_link_opens_only_its_own_tickets_public_files(client, content, make_ticket, agent):
    mine, theirs = make_ticket(), make_ticket()
    services.customer_reply(theirs, "Theirs.", files=[_stored("theirs.log", LOG, theirs)])
    services.staff_update(
        mine,
        actor=agent,
        reply="Internal.",
        internal=True,
        files=[_stored("internal.log", LOG, mine)],
    )
    link = emailed_link(mine)
    for attachment in Attachment.objects.all():
        assert client.get(f"{link}files/{attachment.pk}/").status_code == 404


def test_staff_see_thumbnails_and_download_files(client, agent, editor, make_ticket):
    ticket = make_ticket()
    services.customer_reply(ticket, "Look.", files=[_stored("s.png", PNG, ticket)])
    [image] = Attachment.objects.all()
    client.force_login(agent)
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    url = f"/admin/tickets/ticket/{ticket.pk}/files/{image.pk}/"
    assert f'<img src="{url}?inline=1" alt="s.png"' in page
    inline = client.get(url + "?inline=1")
    assert inline["Content-Type"] == "image/png"
    assert inline["Content-Disposition"].startswith("inline;")
    assert client.get(url)["Content-Disposition"].startswith("attachment;")
    client.force_login(editor)  # no permission on tickets
    assert client.get(url).status_code == 403


def test_an_agents_files_reach_the_customer_as_links(
    client, content, agent, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket(email="ada@example.com")
    client.force_login(agent)
    data = {
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": "",
        "category": ticket.category,
        "reply_kind": "public",
        "reply": "Here is the fixed config.",
        "files": [log("config.txt")],
        "seen_version": Ticket.objects.get(pk=ticket.pk).updated_at.isoformat(),
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", data)
    assert response.status_code == 302
    [email] = mail.outbox
    assert email.attachments == []  # links, not files
    match = re.search(r"- config\.txt \(44\xa0bytes\): (http://\S+/files/\d+/)", email.body)
    assert match, email.body
    client.logout()
    path = match.group(1).split("//", 1)[1].split("/", 1)[1]
    assert b"".join(client.get("/" + path).streaming_content) == LOG


def test_a_reply_may_be_only_files(client, content, make_ticket):
    ticket = make_ticket()
    response = client.post(emailed_link(ticket), {"body": "", "files": [png()]})
    assert response.status_code == 302
    message = ticket.messages.last()
    assert message.body == "(Files attached.)" and message.attachments.count() == 1


def test_merged_tickets_bring_their_files(make_ticket, agent):
    kept = make_ticket(email="ada@example.com")
    duplicate = make_ticket(email="ada@example.com")
    services.customer_reply(duplicate, "Log.", files=[_stored("a.log", LOG, duplicate)])
    merging.merge([kept, duplicate], actor=agent)
    assert [a.name for a in kept.files.all()] == ["a.log"]


def test_a_file_from_email_is_served_from_the_link_in_the_reply(
    client, content, make_ticket, django_capture_on_commit_callbacks
):
    from tests.tickets.inbound import deliver

    with django_capture_on_commit_callbacks(execute=True):
        raw = (MAIL / "apple_mail_new.eml").read_bytes()
        deliver(raw, django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    ack = ticket.emails.get(kind="ticket_received")
    assert emails.deliver(ack.pk) == "nothing to send"  # already sent
    [sent] = [m for m in mail.outbox if m.to == ["katherine@example.org"]]
    link = link_in(sent.body)
    [image] = ticket.files.all()
    assert b"".join(client.get(f"{link}files/{image.pk}/").streaming_content) == PNG


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (PNG, ("image", "image/png")),
        (b"\xff\xd8\xff\xe0rest", ("image", "image/jpeg")),
        (b"GIF89a...", ("image", "image/gif")),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", ("image", "image/webp")),
        (b"%PDF-1.7\n", ("pdf", "application/pdf")),
        (b"PK\x03\x04rest", ("archive", "application/zip")),
        ('{"log": "Grüße"}'.encode(), ("text", "text/plain; charset=utf-8")),
        (b"MZ\x90\x00", None),
        (b"\x7fELF\x02\x01", None),
        (b"text with a \x00 inside", None),
        ("latin-1 Gr\xfc\xdfe".encode("latin-1"), None),
    ],
)
def test_files_are_recognised_by_their_first_bytes(head, found):
    from tickets.attachments import sniff

    assert sniff(head) == found


# Review finding 8: ids no database holds, or that only look like digits ("²".isdigit() is
# true), are no ids: a 500 before (SQLite cannot bind an integer over 64 bits; int("²")
# fails).


@pytest.mark.parametrize("kept", ["99999999999999999999999", "²", "１２", "-1", " 1"])
def test_a_kept_file_that_is_no_id_is_ignored(client, content, ticket_data, kept):
    client.post("/support/", ticket_data(files=[log()], email="not an address"))
    [waiting] = Attachment.objects.all()
    response = client.post("/support/", ticket_data(keep_files=[kept, str(waiting.pk)]))
    assert response.status_code == 302
    assert [a.name for a in Ticket.objects.get().files.all()] == ["stream.log"]
