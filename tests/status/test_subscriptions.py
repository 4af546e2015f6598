"""Subscribing: double opt-in, one subscription per address, rate limits, managing and
leaving without an account; webhook URLs only to public addresses."""

import re
import socket

import pytest
from django.core import mail

from core import safehttp
from status import links, subscriptions
from status.models import Delivery, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribe(client, django_capture_on_commit_callbacks):
    def post(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/status/subscribe/", data, **extra)

    return post


def email_form(address, **more):
    return {"form": "email", "email-email": address, **more}


def webhook_form(url, **more):
    return {
        "form": "webhook", "webhook-url": url, "webhook-channel": "webhook",
        "webhook-email": "ops@example.com", **more,
    }  # fmt: skip


def test_subscribe_page_and_the_form_on_the_status_page(client, status_demo):
    html = client.get("/status/subscribe/").content.decode()
    assert '<label for="id_email-email">Email address' in html
    assert '<label for="id_webhook-url">Webhook URL' in html
    assert html.count('type="checkbox" name="email-components"') == 10
    status = client.get("/status/").content.decode()
    assert 'action="/status/subscribe/#by-email"' in status and 'method="get"' in status
    assert 'name="email"' in status


def test_nothing_but_the_confirmation_before_confirming(subscribe, status_demo, make_component):
    from status.models import Component

    api = Component.objects.get(slug="api")
    response = subscribe(email_form("ada@example.com", **{"email-components": [api.code]}))
    assert response["Location"] == "/status/subscribe/sent/"
    [confirmation] = mail.outbox
    assert confirmation.subject == "Confirm your Help center platform status subscription"
    assert "List-Unsubscribe" not in confirmation.extra_headers
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None and list(subscriber.components.all()) == [api]
    assert Subscriber.objects.active().count() == 0  # so no notification reaches it


def test_one_subscription_per_address_however_it_is_typed(subscribe, client, status_demo):
    subscribe(email_form("ada@example.com"))
    subscriber = Subscriber.objects.get()
    subscriptions.confirm(subscriber)
    mail.outbox.clear()
    response = subscribe(email_form(" ADA@EXAMPLE.COM "))
    assert response["Location"] == "/status/subscribe/sent/"  # the same answer: nothing leaks
    assert Subscriber.objects.count() == 1
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]  # the address stored, not the one typed
    assert "already subscribed" in message.body
    manage = re.search(r"https://help\.example\.com(/status/subscription/\S+/)", message.body)[1]
    assert client.get(manage).status_code == 200


def test_confirmations_are_rate_limited_per_address_and_per_ip(subscribe, status_demo):
    for _ in range(3):
        assert subscribe(email_form("ada@example.com")).status_code == 302
    response = subscribe(email_form("ada@example.com"))
    assert response.status_code == 429 and "Please wait" in response.content.decode()
    assert len(mail.outbox) == 3
    for n in range(6):
        subscribe(email_form(f"other{n}@example.com"))
    response = subscribe(email_form("last@example.com"))
    assert response.status_code == 429  # 10 an hour from one address
    assert len(mail.outbox) == 9


def test_manage_choices_and_unsubscribe_without_a_login(client, make_subscriber, status_demo):
    from status.models import Component

    subscriber = make_subscriber("ada@example.com")
    manage = links.link(subscriber, "manage").removeprefix("https://help.example.com")
    billing = Component.objects.get(slug="billing")
    response = client.post(manage, {"components": [billing.code], "component_updates": "on"})
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    subscriber.refresh_from_db()
    assert list(subscriber.components.all()) == [billing] and subscriber.component_updates
    html = client.get(response["Location"]).content.decode()
    assert "Your choices are saved." in html
    unsubscribe = re.search(r'<form method="post" action="([^"]+)"', html)[1]
    assert "Unsubscribe?" in client.get(unsubscribe).content.decode()  # a GET only asks
    assert Subscriber.objects.exists()
    assert "You are unsubscribed" in client.post(unsubscribe).content.decode()
    assert not Subscriber.objects.exists()
    assert client.get(manage).status_code == 404
    assert client.post(unsubscribe).status_code == 200  # a second click changes nothing


def test_forged_and_expired_links_do_nothing(client, make_subscriber, settings):
    subscriber = make_subscriber(confirmed=False)
    other = links.token(subscriber, "manage")  # another purpose's token
    for path in [f"/status/subscribe/confirm/{other}/", "/status/subscribe/confirm/x:y:z/"]:
        assert client.post(path).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_webhook_registration_shows_the_secret_once(subscribe, receiver, status_demo):
    response = subscribe(webhook_form(receiver.url + "/hook"))
    html = response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.secret and subscriber.secret in html
    assert response["Cache-Control"] == "no-store"
    assert mail.outbox[0].to == ["ops@example.com"]
    assert "127.0.0.1" in mail.outbox[0].body
    assert Delivery.objects.get().purpose == "confirmation"


def test_the_webhook_confirmation_repeats_no_text_the_registrant_chose(
    subscribe, client, receiver, status_demo
):
    """Anyone may register a webhook for any address: the email it sends there shows the
    host only, never a path or query that could carry a message (up to 2,000 characters)."""
    spam = "/Win-a-prize-call-555-0100-now" * 60 + "?visit=prize.example"
    url = receiver.url + spam
    assert len(url) < 2000
    subscribe(webhook_form(url))
    [email] = mail.outbox
    for text in ("Win-a-prize", "555-0100", "prize.example", "visit"):
        assert text not in email.body and text not in email.subject
    assert "a webhook on\n127.0.0.1\n" in email.body
    # The page behind the link (sent to that inbox only) shows the address whole.
    confirm = re.search(r"https://help\.example\.com(/status/subscribe/confirm/\S+/)", email.body)
    html = client.get(confirm.group(1)).content.decode()
    assert url in html


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.example.com/services/T0/B0/secret?x=1", "hooks.example.com"),
        ("https://HOOKS.Example.com:8443/x", "hooks.example.com"),
        ("https://bücher.example/x", "xn--bcher-kva.example"),  # no look-alike letters
        ("https://[2001:db8::1]/x", "2001:db8::1"),
        ("not a url", "(no host)"),
        ("https://[broken/x", "(no host)"),
    ],
)
def test_emails_show_a_webhook_by_its_host(url, shown):
    assert safehttp.shown_host(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost:8000/hook",  # a name that resolves to 127.0.0.1
        "http://2130706433/hook",  # 127.0.0.1 as a number
        "http://0.0.0.0/",
        "ftp://example.com/hook",
        "https://user:pass@example.com/hook",
    ],
)
def test_webhooks_to_private_addresses_are_refused_at_registration(subscribe, status_demo, url):
    response = subscribe(webhook_form(url))
    assert response.status_code == 200
    assert 'id="id_webhook-url_error"' in response.content.decode()
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_a_name_resolving_to_metadata_or_private_addresses_is_refused(monkeypatch):
    answers = {
        "metadata.attacker.example": ["169.254.169.254"],
        "mixed.attacker.example": ["93.184.216.34", "10.0.0.1"],  # one bad answer is enough
        "six.attacker.example": ["fd00:ec2::254"],
        "public.example": ["93.184.216.34"],
    }

    def getaddrinfo(host, port, *args, **kwargs):
        family = {True: socket.AF_INET6, False: socket.AF_INET}
        return [(family[":" in a], socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for host in ["metadata.attacker.example", "mixed.attacker.example", "six.attacker.example"]:
        with pytest.raises(safehttp.UnsafeURL):
            safehttp.resolve(f"https://{host}/hook")
    target = safehttp.resolve("https://public.example/hook?x=1")
    assert (target.ip, target.host, target.path) == ("93.184.216.34", "public.example", "/hook?x=1")


def test_the_request_goes_to_the_checked_address_with_the_host_name(receiver, monkeypatch):
    """DNS answers once: the connection uses that answer, the Host header names the host."""
    calls = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        return real("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    port = receiver.server_address[1]
    status = safehttp.post(
        f"http://hooks.customer.example:{port}/h", b"{}", {}, timeout=5, allow_private=True
    )
    # One lookup of the name; the connection only turns the checked literal into a socket.
    assert status == 200 and calls == ["hooks.customer.example", "127.0.0.1"]
    assert receiver.received[0]["headers"]["Host"] == f"hooks.customer.example:{port}"


def test_the_confirmation_has_the_branded_html_alternative(subscribe, status_demo):
    subscribe(email_form("ada@example.com"))
    [confirmation] = mail.outbox
    [(html, mimetype)] = confirmation.alternatives
    token_path = confirmation.body.split("/status/subscribe/confirm/")[1].split()[0]
    assert mimetype == "text/html" and f"/status/subscribe/confirm/{token_path}" in html


def test_every_component_is_ticked_by_default_and_grouped_as_on_the_page(client, status_demo):
    from status.models import ComponentGroup

    html = client.get("/status/subscribe/").content.decode()
    form = html.split('id="by-email"')[1].split("</form>")[0]
    boxes = re.findall(r'<input type="checkbox" name="email-components"[^>]*>', form)
    assert len(boxes) == 10 and all(" checked" in box for box in boxes)
    for group in ComponentGroup.objects.filter(components__isnull=False).distinct():
        assert f"<legend>{group.name}</legend>" in form


def test_all_ticked_is_everything_and_the_confirmation_says_so(client, subscribe, status_demo):
    from status.models import Component

    codes = list(Component.objects.values_list("code", flat=True))
    subscribe(email_form("ada@example.com", **{"email-components": codes}))
    subscriber = Subscriber.objects.get()
    assert list(subscriber.components.all()) == []  # components added later included
    page = client.get(f"/status/subscribe/confirm/{links.token(subscriber, 'confirm')}/")
    assert "every component, including ones added later" in page.content.decode()


def test_the_confirmation_page_repeats_the_choice(client, subscribe, status_demo):
    from status.models import Component

    api, dashboard = Component.objects.get(slug="api"), Component.objects.get(slug="dashboard")
    subscribe(
        email_form(
            "ada@example.com",
            **{"email-components": [api.code, dashboard.code], "email-component_updates": "on"},
        )
    )
    subscriber = Subscriber.objects.get()
    url = f"/status/subscribe/confirm/{links.token(subscriber, 'confirm')}/"
    for html in (client.get(url).content.decode(), client.post(url).content.decode()):
        choice = html.split('class="subscription-choice"')[1].split("</div>")[0]
        assert "Incidents and maintenance of:" in choice
        assert api.name in choice and dashboard.name in choice
        assert "Status changes of these components outside an incident" in choice
    manage = client.get(f"/status/subscription/{links.token(subscriber, 'manage')}/")
    ticked = re.findall(
        r'<input type="checkbox" name="components" value="(\w+)"[^>]* checked',
        (manage.content.decode()),
    )
    assert sorted(ticked) == sorted([api.code, dashboard.code])
