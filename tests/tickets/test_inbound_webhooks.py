"""Provider webhooks for inbound email: only the providers configured with their
authentication exist, and their posts are checked by each provider's own scheme (signed
posts as the providers sign them, basic auth as they send it)."""

import base64
import hashlib
import hmac
import io
import json
import time
import warnings

import pytest
from django.core import checks
from django.core.management import call_command

from mail.models import InboundEmail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SECRET = "hooks:s3cret-Words-long-enough"
MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
MAILERSEND_SECRET = "mailersend-inbound-secret-0123456789"
RAW = (
    b"From: Ada Lovelace <ada@example.com>\r\nTo: support@example.com\r\n"
    b"Subject: Webhook test\r\nMessage-ID: <hook-1@example.com>\r\n\r\nHello from a webhook.\r\n"
)


def _process_waiting():
    """What the task worker does with webhook mail (never parsed in the web request)."""
    call_command("process_inbound", stdout=io.StringIO())


def _basic(auth):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()}


def _postmark(client, raw=RAW, **headers):
    body = json.dumps({"RawEmail": raw.decode("latin-1"), "MessageID": "pm-1"})
    return client.post(
        "/inbound/postmark/inbound/", body, content_type="application/json", **headers
    )


def _mailgun_signature(key, timestamp, token):
    return hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


def _mailgun(client, raw=RAW, key=MAILGUN_KEY, url="/inbound/mailgun/inbound_mime/", auth=None):
    """A post as Mailgun's forward() sends it to a URL with "mime" in it (multipart form)."""
    timestamp, token = str(int(time.time())), "a" * 50
    data = {
        "recipient": "support@example.com",
        "sender": "ada@example.com",
        "timestamp": timestamp,
        "token": token,
        "signature": _mailgun_signature(key, timestamp, token),
        "body-mime": raw.decode("latin-1"),
    }
    return client.post(url, data, **(auth or {}))


def test_an_anonymous_post_to_an_unconfigured_provider_does_not_exist(
    client, inbound_providers, make_ticket, django_capture_on_commit_callbacks
):
    """The review's attack: only Mailgun's signing key set, an unsigned Postmark post
    claiming to be the customer of HC-000001."""
    ticket = make_ticket(email="victim@example.com")
    inbound_providers(providers=["mailgun"], MAILGUN_WEBHOOK_SIGNING_KEY=MAILGUN_KEY)
    raw = (
        "From: Victim <victim@example.com>\r\nTo: support@example.com\r\n"
        f"Subject: Re: {ticket.reference} please send the invoice to me\r\n"
        "Message-ID: <forged-1@evil.example>\r\n\r\nPlease change my address.\r\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _postmark(client, raw)
    assert response.status_code == 404
    assert not InboundEmail.objects.exists()
    assert not ticket.messages.filter(via="email").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/inbound/postmark/inbound/",
        "/inbound/mailgun/inbound/",
        "/inbound/mailgun/inbound_mime/",
        "/inbound/sendgrid/inbound/",
        "/inbound/amazon_ses/inbound/",
        "/inbound/mandrill/",
        "/inbound/postmark/tracking/",
        "/inbound/nosuchprovider/inbound/",
    ],
)
def test_no_route_exists_for_a_provider_without_authentication(client, inbound_providers, url):
    # Listed, but without their keys (and a basic-auth secret anymail cannot match).
    inbound_providers(providers=["postmark", "mailgun", "sendgrid"], WEBHOOK_SECRET="no-colon")
    response = client.post(url, "{}", content_type="application/json")
    assert response.status_code == 404
    assert not InboundEmail.objects.exists()


def test_postmark_with_basic_auth(client, inbound_providers, django_capture_on_commit_callbacks):
    inbound_providers(providers=["postmark"], WEBHOOK_SECRET=SECRET)
    assert _postmark(client).status_code == 403  # no credentials
    assert _postmark(client, **_basic("hooks:guess")).status_code == 403
    assert not InboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = _postmark(client, **_basic(SECRET))
    assert response.status_code == 200
    stored = InboundEmail.objects.get()
    assert stored.source == "webhook:postmark" and stored.raw.read() == RAW


def test_mailgun_with_a_real_signature(
    client, inbound_providers, django_capture_on_commit_callbacks
):
    inbound_providers(providers=["mailgun"], MAILGUN_WEBHOOK_SIGNING_KEY=MAILGUN_KEY)
    assert _mailgun(client, key="key-of-someone-else").status_code == 403
    unsigned = client.post("/inbound/mailgun/inbound_mime/", {"body-mime": RAW.decode()})
    assert unsigned.status_code == 403
    assert not InboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert _mailgun(client).status_code == 200
    stored = InboundEmail.objects.get()
    assert stored.source == "webhook:mailgun" and stored.raw.read() == RAW
    assert stored.state == "received"  # the worker parses it, not the web request
    _process_waiting()
    assert Ticket.objects.get().subject == "Webhook test"


def test_mailgun_parsed_fields_are_refused_with_the_reason(client, inbound_providers):
    inbound_providers(providers=["mailgun"], MAILGUN_WEBHOOK_SIGNING_KEY=MAILGUN_KEY)
    timestamp, token = "1700000000", "b" * 50
    response = client.post(
        "/inbound/mailgun/inbound/",
        {
            "timestamp": timestamp,
            "token": token,
            "signature": _mailgun_signature(MAILGUN_KEY, timestamp, token),
            "body-plain": "Hello",
        },
    )
    assert response.status_code == 400 and b"inbound_mime" in response.content


def test_mailersend_with_a_real_signature(
    client, inbound_providers, django_capture_on_commit_callbacks
):
    inbound_providers(providers=["mailersend"], MAILERSEND_INBOUND_SECRET=MAILERSEND_SECRET)
    body = json.dumps(
        {"type": "inbound.message", "data": {"id": "ms-1", "raw": RAW.decode()}}
    ).encode()
    good = hmac.new(MAILERSEND_SECRET.encode(), body, hashlib.sha256).hexdigest()
    post = {"data": body, "content_type": "application/json"}
    assert client.post("/inbound/mailersend/inbound/", **post).status_code == 403
    bad = client.post("/inbound/mailersend/inbound/", **post, HTTP_SIGNATURE="0" * 64)
    assert bad.status_code == 403 and not InboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/inbound/mailersend/inbound/", **post, HTTP_SIGNATURE=good)
    assert response.status_code == 200
    assert InboundEmail.objects.get().raw.read() == RAW


def test_sendgrid_and_sparkpost_with_basic_auth(
    client, inbound_providers, django_capture_on_commit_callbacks
):
    inbound_providers(providers=["sendgrid", "sparkpost"], WEBHOOK_SECRET=SECRET)
    sendgrid = {
        "email": RAW.decode(),
        "envelope": '{"from": "ada@example.com"}',
        "SPF": "pass",
        "sender_ip": "203.0.113.45",
    }
    assert client.post("/inbound/sendgrid/inbound/", sendgrid).status_code == 403
    relay = [
        {
            "msys": {
                "relay_message": {
                    "protocol": "smtp",
                    "content": {
                        "email_rfc822": base64.b64encode(
                            RAW.replace(b"hook-1", b"hook-2")
                        ).decode(),
                        "email_rfc822_is_base64": True,
                    },
                }
            }
        }
    ]
    sparkpost = {"data": json.dumps(relay), "content_type": "application/json"}
    assert client.post("/inbound/sparkpost/inbound/", **sparkpost).status_code == 403
    assert not InboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        stored = client.post("/inbound/sendgrid/inbound/", sendgrid, **_basic(SECRET))
        relayed = client.post("/inbound/sparkpost/inbound/", **sparkpost, **_basic(SECRET))
    assert (stored.status_code, relayed.status_code) == (200, 200)
    assert sorted(InboundEmail.objects.values_list("source", "network")) == [
        ("webhook:sendgrid", "ip:203.0.113.0/24"),  # the connecting address SendGrid saw
        ("webhook:sparkpost", "domain:example.com"),  # else the sender's domain
    ]


def test_check_deploy_refuses_an_inbound_provider_without_authentication(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    settings.INBOUND_PROVIDERS = ["postmark", "mailgun", "ses"]
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    errors = {(m.id, m.msg.split(":")[0]) for m in found if m.level >= checks.ERROR}
    assert ("helpcenter.E003", "The inbound webhook of postmark has no authentication") in errors
    assert any(id_ == "helpcenter.E002" for id_, _ in errors)  # a provider we cannot take
    assert not any("mailgun" in msg for _, msg in errors)


def test_anymails_insecure_webhook_warning_is_an_error_in_production(settings):
    from anymail.exceptions import AnymailInsecureWebhookWarning
    from anymail.webhooks.postmark import PostmarkInboundWebhookView

    settings.ANYMAIL = {}
    with warnings.catch_warnings():
        # Whatever filters the test runner adds, the site's own (set at start-up) decides.
        warnings.resetwarnings()
        from django.apps import apps

        apps.get_app_config("mail").ready()
        with pytest.raises(AnymailInsecureWebhookWarning):
            PostmarkInboundWebhookView()


def test_a_providers_own_dkim_and_spf_fields_verify_the_sender(
    client, inbound_providers, make_ticket, django_capture_on_commit_callbacks
):
    """SendGrid reports SPF and DKIM in fields of its own post, which the sender cannot
    write; a claim inside the message is the sender's word."""
    inbound_providers(providers=["sendgrid"], WEBHOOK_SECRET=SECRET)
    ticket = make_ticket(email="ada@example.com")

    def post(n, **fields):
        raw = RAW.replace(b"Webhook test", f"Re: {ticket.reference}".encode())
        raw = raw.replace(b"hook-1", f"hook-{n}".encode())
        data = {"email": raw.decode(), "envelope": '{"from": "bounce@mail.example.com"}'}
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/inbound/sendgrid/inbound/", {**data, **fields}, **_basic(SECRET))
        _process_waiting()
        return InboundEmail.objects.get(message_id=f"<hook-{n}@example.com>")

    assert post(1).outcome == "note"
    assert post(2, dkim="{@evil.example : pass}", SPF="softfail").outcome == "note"
    assert post(3, dkim="{@example.com : pass}").outcome == "reply"
    assert post(4, SPF="pass").outcome == "reply"  # bounce@mail.example.com aligns
    assert InboundEmail.objects.get(message_id="<hook-3@example.com>").verdicts == {"dkim": "pass"}


def _many_parts(count):
    parts = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\nfile {n}\r\n" for n in range(count))
    return (
        "From: many@example.com\r\nTo: support@example.com\r\nSubject: Many parts\r\n"
        "Message-ID: <many-parts@example.com>\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        f"{parts}--b--\r\n"
    ).encode()


def test_a_hostile_message_is_stored_and_answered_at_once_and_parsed_by_the_worker(
    client, inbound_providers, django_capture_on_commit_callbacks
):
    """The review's post: 2.4 MB of parts held the only web worker for 22.8 s."""
    inbound_providers(providers=["postmark"], WEBHOOK_SECRET=SECRET)
    raw = _many_parts(65_000)
    assert 2_000_000 < len(raw) < 3_000_000
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = _postmark(client, raw, **_basic(SECRET))
    answered = time.perf_counter() - started
    assert response.status_code == 200 and answered < 3, answered
    stored = InboundEmail.objects.get()
    assert stored.state == "received" and stored.size == len(raw)
    started = time.perf_counter()
    _process_waiting()
    stored.refresh_from_db()
    assert stored.outcome == "new_ticket" and time.perf_counter() - started < 10
    assert "more than 200 parts" in Ticket.objects.get().description


@pytest.mark.parametrize("provider", ["postmark", "mailgun"])
def test_a_message_up_to_the_size_limit_is_taken_and_a_bigger_post_refused(
    client, inbound_providers, settings, provider
):
    """Django's 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE refused (400) a 3 MB message: lost."""
    inbound_providers(
        providers=[provider], WEBHOOK_SECRET=SECRET, MAILGUN_WEBHOOK_SIGNING_KEY=MAILGUN_KEY
    )
    raw = RAW + b"x" * 3_000_000 + b"\r\n"
    post = _postmark if provider == "postmark" else _mailgun
    headers = _basic(SECRET)
    response = (
        post(client, raw, **headers) if provider == "postmark" else post(client, raw, auth=headers)
    )
    assert response.status_code == 200
    assert InboundEmail.objects.get().size == len(raw)
    settings.INBOUND_MAX_BYTES = 1_000_000
    response = (
        post(client, raw, **headers) if provider == "postmark" else post(client, raw, auth=headers)
    )
    assert response.status_code == 413 and InboundEmail.objects.count() == 1


@pytest.mark.parametrize(
    ("provider", "body"),
    [
        ("postmark", "[" * 100_000),
        ("postmark", '{"RawEmail": 12}'),
        ("postmark", b"\xff\xfe not json"),
        ("sparkpost", '[{"msys": [1]}]'),
        ("sparkpost", '[{"msys": {"relay_message": {"content": []}}}]'),
        ("mailgun", "[" * 100_000),
    ],
)
def test_a_post_of_another_shape_is_a_400_never_a_500(client, inbound_providers, provider, body):
    inbound_providers(
        providers=[provider], WEBHOOK_SECRET=SECRET, MAILGUN_WEBHOOK_SIGNING_KEY=MAILGUN_KEY
    )
    response = client.post(
        f"/inbound/{provider}/inbound/", body, content_type="application/json", **_basic(SECRET)
    )
    assert response.status_code in {400, 403}
    assert not InboundEmail.objects.exists()
