"""What the intake reads from a message a mail client or server really sends (issue 21):
who wrote it, whether a person did, its text, its files, in its charset. Small messages of
our own, one per shape; the real-world ones are in tests/mail_corpus/."""

import base64

import pytest

from mail.inbound.kinds import Bounce
from mail.inbound.parse import headers_only, parse
from tests.shapes import assert_shape


def message(headers, body="Hello, the export button does nothing.\n", *, raw_body=None):
    head = headers.strip("\n").replace("\n", "\r\n").encode("utf-8")
    data = raw_body if raw_body is not None else body.replace("\n", "\r\n").encode("utf-8")
    return head + b"\r\n\r\n" + data


PERSON = "To: support@example.com\nSubject: Export broken\nMessage-ID: <m1@example.org>"


# 1. Senders recovered, as mature mail readers do.


@pytest.mark.parametrize(
    ("headers", "sender", "name"),
    [
        ("Reply-To: Ada <ada@example.org>", "ada@example.org", "Ada"),
        ('From: "Ada" <>\nReply-To: ada@example.org', "ada@example.org", ""),
        ("From: <>, Ada <ada@example.org>", "ada@example.org", "Ada"),
        ("From: undisclosed garbage\nFrom: Ada <ada@example.org>", "ada@example.org", "Ada"),
        ("From: Ada <ada@yahoo.com.>", "ada@yahoo.com", "Ada"),
        ("From  : Ada <ada@example.org>", "ada@example.org", "Ada"),
        ("From: Jöe Dœ <joe@mächine.example>", "joe@mächine.example", "Jöe Dœ"),
        ("From: =?utf-8?q?Do=C3=AB=2C_Jane?= <jane@example.org>", "jane@example.org", "Doë, Jane"),
    ],
)
def test_the_sender_is_recovered(headers, sender, name):
    parsed = parse(message(f"{headers}\n{PERSON}"))
    assert (parsed.sender, parsed.sender_name, parsed.bad_from) == (sender, name, "")
    assert parsed.bounce is None and not parsed.report
    assert headers_only(message(f"{headers}\n{PERSON}"))[1] == sender


def test_a_sender_from_reply_to_is_said_to_be_so():
    parsed = parse(message(f"Reply-To: ada@example.org\n{PERSON}"))
    assert parsed.sender_from == "Reply-To"
    assert parse(message(f"From: ada@example.org\n{PERSON}")).sender_from == "From"


def test_two_mailboxes_are_never_a_choice():
    for headers in [
        "From: victim@example.com <attacker@evil.example>",
        "From: ada@example.org\nFrom: bob@example.org",
        "From: ada@example.org, bob@example.org",
    ]:
        parsed = parse(message(f"{headers}\n{PERSON}"))
        assert parsed.bad_from and not parsed.sender, headers


@pytest.mark.parametrize(
    "raw",
    [
        # A byte-order mark before the first header.
        b"\xef\xbb\xbf" + message(f"From: Ada <ada@example.org>\n{PERSON}"),
        # A junk line before the first header.
        b">>> saved by webmail\r\n" + message(f"From: Ada <ada@example.org>\n{PERSON}"),
        # A continuation line without its indentation: the headers after it are still read
        # (and the Message-ID lines of the text never make it a bounce).
        message(
            "Subject: Export broken and\nthe import too\nFrom: Ada <ada@example.org>\n"
            "To: support@example.com\nMessage-ID: <m1@example.org>",
            "Hello.\nMessage-ID: <abc@example.com>\nFinal-Recipient: rfc822; x@example.com\n",
        ),
    ],
)
def test_a_broken_header_block_is_read_as_meant(raw):
    parsed = parse(raw)
    assert (parsed.sender, parsed.sender_name) == ("ada@example.org", "Ada")
    assert parsed.subject.startswith("Export broken")
    assert parsed.bounce is None and parsed.text.startswith("Hello")


# 2. Bounces, receipts, abuse reports, delays.

FAILURE = (
    "Hi. This is the qmail-send program at mx.example.net.\n"
    "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
    "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
    "<nobody@example.net>:\nSorry, no mailbox here by that name. (#5.1.1)\n"
)


@pytest.mark.parametrize(
    "headers",
    [
        "From: MAILER-DAEMON@mx.example.net\nSubject: failure notice",
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nSubject: Hallo",
        "From: postmaster@example.net\nSubject: Undeliverable Mail",
        "From: Postmaster <>\nSubject: Returned",
        "From: E500_SMTP_Mail_Service@example.org\nSubject: Returned Mail - Error During Delivery",
        "From: inetgw1@example.com\nSubject: Mail could not be delivered",
    ],
)
def test_a_plain_failure_notice_is_a_bounce(headers):
    parsed = parse(message(f"{headers}\nTo: support@example.com", FAILURE))
    assert parsed.bounce == {"message_ids": [], "status": "", "diagnostic": "", "report": False}
    assert_shape(parsed.bounce, Bounce)


def test_a_person_forwarding_a_bounce_is_a_person():
    raw = message(
        "From: Ada <ada@example.org>\nSubject: Fwd: Undelivered Mail Returned to Sender\n"
        "To: support@example.com",
        "Why do my emails to you bounce?\n\n---------- Forwarded message ----------\n" + FAILURE,
    )
    parsed = parse(raw)
    assert parsed.bounce is None and not parsed.report


def _report(report_type, inner_type, inner):
    return message(
        "From: MAILER-DAEMON@mx.example.net\nTo: support@example.com\n"
        "Subject: Delivery Status Notification\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/report; report-type={report_type}; boundary="b"',
        f"--b\nContent-Type: text/plain\n\nA report.\n\n--b\nContent-Type: {inner_type}\n\n"
        f"{inner}\n--b--\n",
    )


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (
            _report(
                "delivery-status",
                "message/delivery-status",
                "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@example.com\n"
                "Action: delayed\nStatus: 4.4.1\n",
            ),
            "delayed",
        ),
        (
            _report(
                "disposition-notification",
                "message/disposition-notification",
                "Final-Recipient: rfc822; a@example.com\n"
                "Disposition: manual-action/MDN-sent-manually; displayed\n",
            ),
            "receipt",
        ),
        (
            _report(
                "feedback-report",
                "message/feedback-report",
                "Feedback-Type: abuse\nUser-Agent: SomeGenerator/1.0\nVersion: 1\n",
            ),
            "abuse report",
        ),
        (
            message(
                "From: MAILER-DAEMON@mx.example.net\nTo: support@example.com\n"
                "Subject: Warning: message 1kX2 delayed 24 hours",
                "This message was created automatically by mail delivery software.\n"
                "A message that you sent has not yet been delivered to one or more of its\n"
                "recipients after more than 24 hours on the queue. It will be retried.\n",
            ),
            "delayed",
        ),
    ],
)
def test_receipts_abuse_reports_and_delays_are_no_bounces(raw, kind):
    parsed = parse(raw)
    assert (parsed.report, parsed.bounce) == (kind, None)


# 3. Text lost.


def _multipart(kind, parts, boundary='"b"'):
    body = "".join(f"--{boundary.strip(chr(34))}\n{part}\n" for part in parts)
    return message(
        f"From: Ada <ada@example.org>\n{PERSON}\nMIME-Version: 1.0\n"
        f"Content-Type: multipart/{kind}; boundary={boundary}",
        f"{body}--{boundary.strip(chr(34))}--\n",
    )


def test_a_blank_plain_part_gives_way_to_the_html():
    raw = _multipart(
        "alternative",
        [
            "Content-Type: text/plain\n\n   \n",
            "Content-Type: text/html\n\n<html><body><p>The export fails.</p></body></html>",
        ],
    )
    assert parse(raw).reply == "The export fails."


def test_an_outlook_express_boundary_with_an_equals_sign_is_read():
    boundary = "----=_NextPart_000_0012_01C2A3B4.5C6D7E80"
    raw = _multipart(
        "alternative",
        [
            "Content-Type: text/plain; charset=iso-8859-1\n\nThe export fails.",
            "Content-Type: text/html\n\n<p>The export fails.</p>",
        ],
        boundary=boundary,
    )
    assert parse(raw).reply == "The export fails."


def test_apple_mails_text_picture_text_keeps_all_the_text_and_the_picture():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 40).decode()
    raw = _multipart(
        "mixed",
        [
            "Content-Type: text/plain\n\nThe export fails here:",
            f"Content-Type: image/png\nContent-Transfer-Encoding: base64\n\n{png}",
            "Content-Type: text/plain\n\nand then the page goes blank.",
        ],
    )
    parsed = parse(raw)
    assert parsed.reply == "The export fails here:\n\nand then the page goes blank."
    assert [file.name for file in parsed.files] == ["image-1.png"]


def test_html_after_the_closing_tag_is_read():
    raw = message(
        f"From: Ada <ada@example.org>\n{PERSON}\nContent-Type: text/html",
        "<html><body><p>The export fails.</p></body></html>\n<p>Sent from my phone, sorry.</p>",
    )
    assert "Sent from my phone, sorry." in parse(raw).text


# 4. Files lost.


def test_an_attached_email_is_kept_as_an_eml_file():
    raw = _multipart(
        "mixed",
        [
            "Content-Type: text/plain\n\nSee the email below.",
            "Content-Type: message/rfc822\n\nFrom: bob@example.com\nSubject: Invoice\n\n"
            "The invoice is wrong.",
        ],
    )
    parsed = parse(raw)
    [attached] = parsed.files
    assert attached.name == "attached-message.eml" and b"The invoice is wrong." in attached.content
    assert parsed.reply == "See the email below."


def test_an_email_forwarded_whole_shows_what_it_forwards():
    raw = message(
        f"From: Ada <ada@example.org>\n{PERSON}\nMIME-Version: 1.0\nContent-Type: message/rfc822",
        "From: bob@example.com\nSubject: Invoice\n\nThe invoice is wrong.",
    )
    parsed = parse(raw)
    assert "The invoice is wrong." in parsed.reply
    assert [file.name for file in parsed.files] == ["attached-message.eml"]


def test_a_file_named_only_on_its_content_type_is_kept():
    pdf = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
    raw = message(
        f"From: Ada <ada@example.org>\n{PERSON}\nMIME-Version: 1.0\n"
        'Content-Type: application/pdf; name="invoice.pdf"\nContent-Transfer-Encoding: base64',
        pdf,
    )
    [file] = parse(raw).files
    assert (file.name, file.content) == ("invoice.pdf", b"%PDF-1.4\n%%EOF\n")


def test_unnamed_inline_images_are_kept_under_sensible_names():
    gif = base64.b64encode(b"GIF89a" + b"\0" * 20).decode()
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\0" * 20).decode()
    raw = _multipart(
        "related",
        [
            "Content-Type: text/html\n\n<p>Look: <img src=cid:a> <img src=cid:b></p>",
            f"Content-Type: image/gif\nContent-ID: <a>\nContent-Transfer-Encoding: base64\n\n{gif}",
            f"Content-Type: image/jpeg\nContent-ID: <b>\nContent-Transfer-Encoding: base64\n\n"
            f"{jpeg}",
        ],
    )
    assert [file.name for file in parse(raw).files] == ["image-1.gif", "image-2.jpg"]


# 5. Charsets.


@pytest.mark.parametrize(
    ("charset", "data", "text"),
    [
        ("gb2312", "镕基的中文".encode("gbk"), "镕基的中文"),  # GBK characters labelled GB2312
        ("iso-gb2312", "中文".encode("gbk"), "中文"),
        ("shift_jis", "髙橋さん ①".encode("cp932"), "髙橋さん ①"),  # cp932 extensions
        ("iso-2022-jp", b"\x1b$B-!%F%9%H\x1b(B", "①テスト"),  # NEC row 13
        (None, "Это сообщение в кодировке Windows.".encode("cp1251"), None),
        ("us-ascii", "Это сообщение в кодировке Windows.".encode("cp1251"), None),
        ("utf-8", "Grüße, ".encode() + b"caf\xe9", "Grüße, café"),  # a stray Latin-1 byte
        ("iso-8859-1", "Grüße ✿".encode(), "Grüße ✿"),  # UTF-8 under a Latin-1 label
    ],
)
def test_text_is_read_as_a_mail_client_reads_it(charset, data, text):
    label = f"; charset={charset}" if charset else ""
    raw = message(
        f"From: Ada <ada@example.org>\n{PERSON}\nContent-Type: text/plain{label}\n"
        "Content-Transfer-Encoding: 8bit",
        raw_body=data,
    )
    expected = text or "Это сообщение в кодировке Windows."
    assert parse(raw).reply == expected


def test_headers_in_a_superset_charset_or_raw_8bit_are_read():
    subject = base64.b64encode("镕基的问题".encode("gbk")).decode()
    raw = message(
        f"From: Ada <ada@example.org>\nTo: support@example.com\nSubject: =?gb2312?B?{subject}?=",
    )
    assert parse(raw).subject == "镕基的问题"
    assert headers_only(raw)[2] == "镕基的问题"  # the stored email's, for staff
    raw = (
        b"From: ada@example.org\r\nSubject: "
        + "Узнай как зарабатывать".encode("cp1251")
        + b"\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\n"
        + "Текст".encode("cp1251")
    )
    assert parse(raw).subject == "Узнай как зарабатывать"


@pytest.mark.parametrize(
    "content_type",
    [
        'multipart/mixed; boundary="BOUNDARY_"',  # declared, but the parts use another
        "multipart/mixed;",  # no boundary at all
    ],
)
def test_parts_are_found_by_the_delimiters_they_use(content_type):
    raw = message(
        f"From: Ada <ada@example.org>\n{PERSON}\nMIME-Version: 1.0\nContent-Type: {content_type}",
        "--BOUNDARY\nContent-Type: text/plain\n\nThe export fails.\n"
        "--BOUNDARY\nContent-Type: text/plain\n\nSince Monday.\n--BOUNDARY--\n",
    )
    assert parse(raw).reply == "The export fails.\n\nSince Monday."


def test_a_multipart_without_any_part_is_read_as_its_text():
    raw = message(
        f"From: Ada <ada@example.org>\n{PERSON}\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative;",
        "The export fails.\n",
    )
    assert parse(raw).reply == "The export fails."


@pytest.mark.parametrize(
    "subject",
    [
        "Arpus biroja atrasanas automatiska atbilde",
        "AW: Abwesenheitsnotiz",
        "Automatisch antwoord: Export broken",
        "Automatyczna odpowiedź: Export broken",
        "Автоответ: Export broken",
    ],
)
def test_out_of_office_replies_are_known_in_many_languages(subject):
    raw = message(f"From: Ada <ada@example.org>\nTo: support@example.com\nSubject: {subject}")
    assert parse(raw).automatic == "out-of-office subject"


def test_a_returned_message_with_raw_8bit_headers_still_names_its_message_id():
    """Flattening it to text raised (an address header with bytes that are not UTF-8 cannot
    be folded again), and the report was a processing failure."""
    returned = (
        b"Message-ID: <ours@help.example.com>\r\n"
        b"To: 'Ada' <ada@ex|\x8fm(\x9d\x01\xc9W\xde\xcc\xc5ample.org>, A list\r\n"
        b"\t <list@example.org>\r\n\r\nThe body.\r\n"
    )
    raw = _report(
        "delivery-status",
        "message/delivery-status",
        "Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n",
    ).replace(b"--b--", b"--b\r\nContent-Type: message/rfc822\r\n\r\n" + returned + b"--b--")
    parsed = parse(raw)
    assert parsed.bounce["message_ids"] == ["<ours@help.example.com>"]
    assert parsed.bounce["status"] == "5.1.1"
    assert_shape(parsed.bounce, Bounce)


def test_a_status_block_with_8bit_text_in_it_is_read():
    """A block of the status part that has text of its own (a returned message spilt into
    it) in a charset that cannot hold it: flattening it to text raised."""
    raw = _report(
        "delivery-status",
        "message/delivery-status",
        "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@example.com\n"
        "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 unknown user\n\n"
        "Return-path: list@example.org\nContent-Type: text/plain; charset=us-ascii\n"
        "Precedenc RAW e: bulk\n",
    )
    parsed = parse(raw.replace(b"RAW", b"\xff\xfe"))
    assert parsed.bounce["status"] == "5.1.1"
    assert parsed.bounce["diagnostic"] == "smtp; 550 unknown user"
    assert_shape(parsed.bounce, Bounce)
