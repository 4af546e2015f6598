"""No private link's token reaches a log (the app's lines: the request log, Django's "Not
Found" warnings, runserver; gunicorn's access log: request line, path, query, Referer,
headers) nor stays in text we store (the emails customers send quote our links, in every
shape a mail client leaves them). One list (core.redaction.PRIVATE_LINKS) knows every
private URL."""

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
from status import links
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
        "status:subscription-delete", "admin:invitation",
    } <= set(found)  # fmt: skip
    assert len(found) == 11
    for name, path in found.items():
        for text in (path, f"GET {path}?x=1 HTTP/1.1", f"https://help.example.com{path}#top"):
            redacted = redact_private_links(text, keep_path=True)
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
    assert redact_private_links(text, keep_path=True) == expected


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
        token = links.token(subscriber, purpose)
        add(reverse(links.LINKS[purpose], args=[token]), token)
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


# In stored text: the whole link goes.

# Fixed (test ids must be the same in every test process): the shapes of the tokens we issue.
TOKENS = [
    "q7Xb0-Zk2mJ_4sVwY9hTnR1cLpE6aUoD3fGiKxN8yHA",  # secrets.token_urlsafe(32): tickets
    ".eJwzNDQxMDEwNTQ2NgIADQwCHQ:1vQxyz:AbCdEfGhIjKlMnOpQrStUvWxYz0123456",  # survey, receipt
    "ImExYjJjM2Q0ZTVmNiI:1vQxyz:Jy9LPQx8lwY9CgpN3eY3QmoUH7zHlz-oR_hrS9Zu3uY",  # status links
]


def _token_routes(resolver=None, namespace=""):
    """(name, parameter) of every public route taking a free-form string: the token routes
    (the admin's <id> routes need a staff login, not a token; the REST API's take their
    token in a header, and their strings are references and slugs)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _token_routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            for parameter, converter in converters.items():
                if type(converter).__name__ == "StringConverter":
                    yield f"{namespace}{entry.name}", parameter, list(converters)


ROUTES = sorted({(name, tuple(params)) for name, _, params in _token_routes()})


def test_the_site_has_the_token_routes_we_know_in_mail():
    names = {name for name, _ in ROUTES}
    assert {
        "tickets:ticket-detail",
        "tickets:ticket-file",
        "tickets:requests",
        "tickets:rate",
        "status:subscription-manage",
        "status:subscription-delete",
        "status:subscription-confirm",
    } <= names


@pytest.mark.parametrize(("name", "params"), ROUTES)
@pytest.mark.parametrize("token", TOKENS)
def test_every_token_route_is_redacted(name, params, token):
    args = [token if p in ("token", "receipt") else 7 for p in params]
    path = reverse(name, args=args)
    for text in (
        f"Your ticket: https://help.example.com{path} (keep it private).",
        f"<https://help.example.com{path}?rating=5>",
        f"Relative: {path}",
    ):
        redacted = redact_private_links(text)
        assert token not in redacted and "[private link]" in redacted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "> Your ticket: https://help.example.com/support/tickets/AbCdEfGhIjKlMnOpQrSt\n"
            "> UvWxYz0123456789-_abcdefg/\n> Thanks",
            "> Your ticket: [private link]\n> Thanks",
        ),
        (
            "> https://help.example.com/support/tickets/\n"
            "> AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefg/files/3/ ok",
            "> [private link] ok",
        ),
        ("Lost your link? https://help.example.com/support/tickets/", None),
        ("Guides: https://help.example.com/kb/streaming/ and /status/", None),
        (
            "Unsubscribe: https://h.example/status/unsubscribe/IjEy:1v:xy/.",
            "Unsubscribe: [private link].",
        ),
    ],
)
def test_wrapped_quoted_and_harmless_text(text, expected):
    assert redact_private_links(text) == (text if expected is None else expected)
