"""No private link's token reaches a log: neither the app's lines (the request log, Django's
"Not Found" warnings, runserver) nor gunicorn's access log (request line, path, query,
Referer, headers). One list (core.redaction.PRIVATE_LINKS) knows every private URL."""

import io
import logging
import runpy
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.redaction import MARK, redact_private_links
from status import subscriptions
from status.models import Subscriber
from tickets import satisfaction, services
from tickets.models import RequestsLink, Ticket, TicketLink

ROOT = Path(__file__).resolve().parents[2]
TOKEN_ARGUMENTS = {"token", "receipt"}  # what a private URL's token is called in urls.py
SAMPLE = "Zx9_-aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3w:1vXyZq:AbCdEf"


def _patterns(resolver=None, prefix=""):
    """(name, route) of every URL pattern of the site, included ones with their namespace."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, entry.pattern


def _private_urls():
    for name, pattern in _patterns():
        converters = getattr(pattern, "converters", {})
        if TOKEN_ARGUMENTS & set(converters):
            kwargs = {
                arg: SAMPLE if arg in TOKEN_ARGUMENTS else "7" if conv.regex == "[0-9]+" else "x"
                for arg, conv in converters.items()
            }
            yield name, reverse(name, kwargs=kwargs)


def test_every_url_with_a_token_in_the_site_is_in_the_one_list():
    found = dict(_private_urls())
    # Each app's private pages are found (a check of the walk itself).
    assert {
        "tickets:ticket-detail", "tickets:ticket-file", "tickets:requests", "tickets:rate",
        "tickets:ticket-sent", "status:subscription-confirm", "status:subscription-manage",
        "status:subscription-delete",
    } <= set(found)  # fmt: skip
    assert len(found) == 10
    for name, path in found.items():
        for text in (path, f"GET {path}?x=1 HTTP/1.1", f"https://help.example.com{path}#top"):
            redacted = redact_private_links(text)
            assert SAMPLE not in redacted and MARK in redacted, (name, redacted)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/support/tickets/", "/support/tickets/"),  # the form that asks for a link
        ("/support/tickets/abc/files/3/", f"/support/tickets/{MARK}/files/3/"),
        ("/support/suggestions/7/?intake=Ab_c-1&x=2", f"/support/suggestions/7/?intake={MARK}&x=2"),
        ("GET /support/%74ickets/abc/ HTTP/1.1", f"GET /support/tickets/{MARK}/ HTTP/1.1"),
        ("/support/Tickets/abc/", f"/support/Tickets/{MARK}/"),
        ("/kb/getting-started/", "/kb/getting-started/"),
        ("", ""),
    ],
)
def test_tokens_are_replaced_and_the_rest_kept(text, expected):
    assert redact_private_links(text) == expected


@pytest.fixture
def private_paths(db, client, content):
    """(path, token) of every kind of private link, with live tokens."""
    ticket = services.create_ticket(
        Ticket(email="ada@example.com", subject="Stream stops", description="It stops.")
    )
    subscriber = Subscriber.objects.create(email="ops@example.com", address_key="ops@example.com")
    pairs = []

    def add(path, token):
        assert token in path and len(token) >= 16
        pairs.append((path, token))

    ticket_link = TicketLink.objects.mint(ticket)
    token = ticket_link.split("/")[3]
    add(ticket_link, token)
    add(f"{ticket_link}solved/", token)
    add(f"{ticket_link}files/1/", token)
    requests_link = RequestsLink.objects.mint(ticket.email_key)
    token = requests_link.split("/")[3]
    add(requests_link, token)
    add(f"{requests_link}open/{ticket.pk}/", token)
    survey = satisfaction.survey_path(ticket, "good")
    add(survey, survey.split("/")[3])
    sent = _sent_form(client)
    add(sent, sent.split("/")[3])
    add(
        "/support/suggestions/?subject=Stream&intake=form-id-of-a-customer", "form-id-of-a-customer"
    )
    add("/support/tickets/an-expired-or-wrong-token-0123/", "an-expired-or-wrong-token-0123")
    for purpose in ("confirm", "manage", "unsubscribe"):
        token = subscriptions.token(subscriber, purpose)
        add(reverse(subscriptions.LINKS[purpose], args=[token]), token)
    return pairs


def _sent_form(client):
    """The confirmation page's path after a ticket form is sent."""
    from tickets.forms import signed_start

    data = {
        "email": "grace@example.com", "subject": "Errors", "description": "Errors since noon.",
        "reproducibility": "always", "started": signed_start(time.time() - 60),
        "intake": "form-of-grace-0123",
    }  # fmt: skip
    response = client.post("/support/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


@pytest.fixture
def app_log():
    """What the site's configured log handler (settings.LOGGING) writes, as written."""
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_no_token_in_any_line_the_site_logs(client, settings, private_paths, app_log):
    settings.SLOW_REQUEST_MS = 0  # every request gets a line with its path
    for path, _ in private_paths:
        client.get(path, HTTP_REFERER=f"https://help.example.com{path}")
        client.post(path, {"rating": "good"}, HTTP_REFERER=f"https://help.example.com{path}")
        # runserver's line for the request (`make run`)
        logging.getLogger("django.server").info('"%s" %s %s', f"GET {path} HTTP/1.1", 200, 5)
    written = app_log.getvalue()
    assert written.count("Slow request") >= 2 * len(private_paths)
    assert "Not Found: /support/tickets/[redacted]/" in written
    for path, token in private_paths:
        assert token not in written, path
    assert written.count(MARK) >= 3 * len(private_paths)


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_no_token_in_gunicorns_access_log(client, private_paths, monkeypatch, capsys, log_format):
    from gunicorn.config import Config

    monkeypatch.setenv("LOG_FORMAT", log_format)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", config["access_log_format"])
    logger = config["HelpcenterLogger"](cfg)
    for path, _ in private_paths:
        response = client.get(path)
        environ = {
            **response.wsgi_request.environ,
            "RAW_URI": path,
            "HTTP_REFERER": f"https://help.example.com{path}",
        }
        headers = [*response.items(), ("Location", f"https://help.example.com{path}")]
        resp = SimpleNamespace(status=f"{response.status_code} X", headers=headers, sent=512)
        logger.access(resp, SimpleNamespace(headers=[("REFERER", path)]), environ, timedelta(0))
    written = capsys.readouterr().out
    assert written.count("\n") == len(private_paths)
    for path, token in private_paths:
        assert token not in written, path
    assert written.count(MARK) >= 2 * len(private_paths)  # request line and Referer
