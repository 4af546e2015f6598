"""No input a stranger controls makes a 500, or changes anyone else's data.

Every public URL is requested with a corpus of hostile values: in each path segment it takes,
in every query parameter its view reads (found by watching the view read them), in the
headers we look at, and in every field of every form the public pages show (found by reading
the pages' HTML), plus bodies of the wrong content type. CI runs it on SQLite and PostgreSQL.
"""

import html.parser
import json
import re
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core import signing
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

from kb.models import FAQEntry, Feedback, Guide
from runbooks.models import Runbook
from search.models import SearchDocument
from status import links
from status.importer import import_status
from status.models import Component, Incident, Subscriber
from tests.factories import STATUS_CONTENT
from tests.tickets.links import emailed_link
from tickets import attachments, satisfaction, services
from tickets.models import CustomField, RequestsLink, Ticket, TicketLink, TicketMessage

LONG = "x" * 10_000
HOSTILE = [
    "",
    " ",
    "a\x00b",
    "\x00",
    LONG,
    "é" * 3000,
    "\u202eevil\u202c",  # right-to-left override
    "zero\u200bwidth\ufeff",
    "ſam@example.com",
    "bob@gmaıl.com",
    "ＡＢＣ１２３",
    "' OR 1=1 --",
    '"; DROP TABLE tickets_ticket; --',
    "1; SELECT pg_sleep(5)",
    'NEAR(a b) "unterminated',
    "a AND OR NOT * ^ col:x (((",
    "a & | ! :* <-> !(",
    "-1",
    "0",
    "99999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-02-30T25:61",
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
    "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
    "²",  # a digit to str.isdigit, not to int()
    "１２",  # digits to int(), and no id
    "../../etc/passwd",
    "%",
    "\\",
    "<script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "\r\nSet-Cookie: x=y",
    "javascript:alert(1)",
    "🙂" * 500,
]
# Bytes no string can carry: invalid UTF-8 and an encoded lone surrogate, percent-encoded.
RAW = ["%FF%FE", "%ED%A0%80", "%C0%AF", "a%00b"]

HEADERS = {
    "HTTP_HX_REQUEST": "true",
    "HTTP_HX_CURRENT_URL": "javascript:\x00" + LONG,
    "HTTP_HX_SEARCH_SUBMITTED": "true",
    "HTTP_HX_HISTORY_RESTORE_REQUEST": "true",
    "HTTP_X_FORWARDED_FOR": "not-an-ip, \x00, 999.1.1.1",
    "HTTP_X_FORWARDED_PROTO": "gopher",
    "HTTP_ACCEPT_LANGUAGE": "x" * 500,
    "HTTP_USER_AGENT": "\u202e" + LONG,
    "HTTP_IF_NONE_MATCH": '"\x00", W/, *, ' + LONG,
    "HTTP_IF_MODIFIED_SINCE": "0001-01-01",
    "HTTP_COOKIE": "sessionid=a\x00b; csrftoken=" + LONG + "; hc_feedback=%FF",
    "HTTP_ORIGIN": "null",
    "HTTP_RANGE": "bytes=-1",
}

PUBLIC_NAMESPACES = {"kb", "runbooks", "search", "tickets", "status"}


def _public_routes(resolver=None, prefix="", namespace=None):
    """(name, route) of every URL outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from _public_routes(entry, prefix + route, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + route


# One or more concrete paths for each public URL; {hostile} marks a segment to fuzz.
def _paths(world):
    return {
        "home": ["/"],
        "kb:guide-list": ["/kb/"],
        "kb:guide-detail": [f"/kb/{world['guide']}/", "/kb/{hostile}/"],
        "kb:guide-feedback": [f"/kb/{world['guide']}/feedback/", "/kb/{hostile}/feedback/"],
        "runbooks:runbook-list": ["/runbooks/"],
        "runbooks:runbook-detail": [f"/runbooks/{world['runbook']}/", "/runbooks/{hostile}/"],
        "runbooks:runbook-feedback": [f"/runbooks/{world['runbook']}/feedback/"],
        "search:results": ["/search/"],
        "answers-api": ["/api/answers/"],
        "answers:feedback": ["/answers/feedback/"],
        "search:open": [f"/search/open/{world['document']}/", "/search/open/{hostile}/"],
        "tickets:ticket-create": ["/support/"],
        "tickets:ticket-sent": [f"/support/sent/{world['receipt']}/", "/support/sent/{hostile}/"],
        "tickets:ticket-suggestions": ["/support/suggestions/"],
        "tickets:suggestion-open": [
            f"/support/suggestions/{world['document']}/",
            "/support/suggestions/{hostile}/",
        ],
        "tickets:lost-link": ["/support/tickets/"],
        "tickets:requests": [world["requests"], "/support/requests/{hostile}/"],
        "tickets:rate": [world["survey"], "/support/rate/{hostile}/"],
        "tickets:requests-open": [world["requests"] + "open/{hostile}/"],
        "tickets:ticket-detail": [world["own_link"], "/support/tickets/{hostile}/"],
        "tickets:ticket-solved": [world["own_link"] + "solved/"],
        "tickets:ticket-file": [
            world["own_link"] + f"files/{world['file']}/",
            world["own_link"] + "files/{hostile}/",
        ],
        "status:status-page": ["/status/"],
        "status:incident-detail": [
            f"/status/incidents/{world['incident']}/",
            "/status/incidents/{hostile}/",
        ],
        **{
            f"status:api-{name}": [f"/api/v2/{route}"]
            for route, name in __import__("status.urls").urls.API.items()
        },
        "status:api-not-found": ["/api/v2/{hostile}"],
        "status:history": ["/history/"],
        "status:component-atom": [
            f"/status/components/{world['component']}/history.atom",
            "/status/components/{hostile}/history.atom",
        ],
        "status:subscription-create": ["/status/subscribe/"],
        "status:subscription-sent": ["/status/subscribe/sent/"],
        "status:subscription-confirm": [
            f"/status/subscribe/confirm/{world['confirm_token']}/",
            "/status/subscribe/confirm/{hostile}/",
        ],
        "status:subscription-manage": [
            f"/status/subscription/{world['manage_token']}/",
            "/status/subscription/{hostile}/",
        ],
        "status:subscription-delete": ["/status/unsubscribe/{hostile}/"],
        "status:history-atom": ["/history.atom"],
        "status:history-rss": ["/history.rss"],
        "status:embed-script": ["/embed/status.js"],
        "status:embed-frame": ["/embed/frame"],
        "status:badge": ["/badge.svg"],
        # Without a token every operation is a 401 (test_hostile_api sweeps them with one).
        **{f"api:{name}": [f"/api/v1/{route}"] for name, route in api_paths(world).items()},
        "robots-txt": ["/robots.txt"],
        "llms-txt": ["/llms.txt"],
        "llms-full-txt": ["/llms-full.txt"],
        "guide-markdown": [f"/kb/{world['guide']}.md", "/kb/{hostile}.md"],
        "runbook-markdown": [f"/runbooks/{world['runbook']}.md", "/runbooks/{hostile}.md"],
        "faq-markdown": ["/faq/{hostile}.md"],
        "healthz": ["/healthz"],
        "readyz": ["/readyz"],
        "form-token": ["/forms/token/"],
        "mcp": ["/mcp"],
        # Unsigned, each is a 401 (tests/slack/test_hostile.py sweeps them signed).
        "slack:actions": ["/integrations/slack/actions/"],
        "slack:commands": ["/integrations/slack/commands/"],
    }


def api_paths(world):
    """Each operation's name and a concrete path, from the OpenAPI document."""
    from api.main import api

    found = {
        "reference": "docs/",
        "openapi-json": "openapi.json",
        "api-root": "",
        "not-found": "{hostile}",
    }
    for route in api.get_openapi_schema(path_prefix="")["paths"]:
        concrete = route.lstrip("/").replace("{ticket_id}", str(world["victim"].pk))
        concrete = concrete.replace("{slug}", world["guide"])
        for name in _operation_names(route):
            found[name] = concrete
    return found


def _operation_names(route):
    from api.main import api

    return [
        pattern.name
        for pattern in api.urls[0]
        if re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern)) == route.lstrip("/")
    ]


def _ticket(email, subject):
    return services.create_ticket(Ticket(email=email, subject=subject, description="Help."))


@pytest.fixture
def world(client, content, settings):
    """The shipped content and status, a victim's ticket (never touched by the requests),
    and the visitor's own ticket (whose private page they may legitimately change)."""
    settings.RATELIMIT_ENABLE = False  # limits would answer 429 before the view reads input
    settings.TICKET_MIN_FILL_SECONDS = 0
    settings.SLACK_SIGNING_SECRET = "hostile-sweep"  # Slack's endpoints exist, and refuse
    report = import_status(STATUS_CONTENT)
    assert not report.errors
    for kind in ("text", "number", "dropdown", "checkbox", "date"):  # on the contact form
        CustomField.objects.create(
            label=f"Field {kind}",
            key=f"field-{kind}",
            kind=kind,
            choices="One\nTwo" if kind == "dropdown" else "",
            shown_to_customers=True,
        )
    victim = _ticket("victim@example.com", "Victim's problem")
    emailed_link(victim)
    own = _ticket("visitor@example.com", "My problem")
    services.customer_reply(
        own, "A log.", files=[attachments.store("a.log", b"log", kind="text", content_type="t")]
    )
    subscriber = Subscriber.objects.create(
        email="subscriber@example.com", address_key="subscriber@example.com"
    )
    return {
        "component": Component.objects.first().code,
        "confirm_token": links.token(subscriber, "confirm"),
        "manage_token": links.token(subscriber, "manage"),
        "guide": Guide.objects.published().first().slug,
        "runbook": Runbook.objects.published().first().slug,
        "document": SearchDocument.objects.first().pk,
        "incident": Incident.objects.first().code,
        "receipt": signing.dumps(own.pk, salt="tickets.receipt", compress=True),
        "own_link": emailed_link(own),
        "requests": RequestsLink.objects.mint(own.email_key),
        "survey": satisfaction.survey_path(own, "good"),
        "file": own.files.get().pk,
        "victim": victim,
    }


def _snapshot(victim):
    """What a request by someone else must never change."""
    rows = [
        Ticket.objects.filter(pk=victim.pk).values(),
        TicketMessage.objects.filter(ticket=victim).values(),
        TicketLink.objects.filter(ticket=victim).values("pk", "token_hash", "created_at"),
        Guide.objects.values("pk", "title", "body", "status"),
        Runbook.objects.values("pk", "title", "status"),
        FAQEntry.objects.values("pk", "question", "body"),
    ]
    return repr([list(rows_) for rows_ in rows])


class _Recorder:
    """Which query parameters a view reads: QueryDict lookups, watched."""

    def __init__(self, monkeypatch):
        self.keys = set()
        for method in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(QueryDict, method)
            monkeypatch.setattr(QueryDict, method, self._wrap(original))

    def _wrap(self, original):
        def read(querydict, key, *args, **kwargs):
            if isinstance(key, str):
                self.keys.add(key)
            return original(querydict, key, *args, **kwargs)

        return read


class _Forms(html.parser.HTMLParser):
    """The POST forms of a page: action and fields with their default values (a select's
    chosen option, a textarea's text)."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag == "option" and self.forms and self._select and "selected" in attrs:
            self.forms[-1]["fields"][self._select] = attrs.get("value") or ""
        elif not self.forms or not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in {"submit", "button"}:
            if attrs.get("type") in {"radio", "checkbox"} and "checked" not in attrs:
                self.forms[-1]["fields"].setdefault(attrs["name"], "")
            else:
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag in {"textarea", "select"}:
            self.forms[-1]["fields"][attrs["name"]] = ""
            self._select = attrs["name"] if tag == "select" else None
            self._textarea = attrs["name"] if tag == "textarea" else None
        elif tag == "button" and attrs.get("value"):
            self.forms[-1]["fields"][attrs["name"]] = attrs["value"]

    def handle_endtag(self, tag):
        if tag in {"select", "textarea"}:
            self._select = self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            fields = self.forms[-1]["fields"]
            text = fields[self._textarea]
            fields[self._textarea] = text + data if text else data.removeprefix("\n")


def _fine(response, what):
    assert response.status_code < 500, f"{response.status_code} for {what}"


def _get(client, path, query="", **headers):
    return client.get(path + ("?" + query if query else ""), **headers)


def test_every_public_url_is_covered(world):
    routes = dict(_public_routes())
    assert set(routes) - {None} == set(_paths(world)), "add new URLs to _paths"


@pytest.mark.django_db
@pytest.mark.slow
def test_hostile_values_anywhere_in_a_get_never_fail(client, world, monkeypatch):
    before = _snapshot(world["victim"])
    for name, paths in _paths(world).items():
        for template in paths:
            if "{hostile}" in template:
                for value in [*HOSTILE, *RAW]:
                    segment = value if value in RAW else quote(value, safe="")
                    path = template.replace("{hostile}", segment or "x")
                    _fine(client.get(path), f"{name}: {path[:80]!r}")
                continue
            recorder = _Recorder(monkeypatch)
            _fine(client.get(template), template)
            _fine(client.get(template, HTTP_HX_REQUEST="true"), template)
            monkeypatch.undo()
            for key in sorted(recorder.keys):
                for value in HOSTILE:
                    query = urlencode({key: value})
                    _fine(_get(client, template, query), f"{template}?{key}={value[:40]!r}")
                    _fine(
                        _get(client, template, query, HTTP_HX_REQUEST="true"),
                        f"htmx {template}?{key}={value[:40]!r}",
                    )
                for raw in RAW:
                    _fine(_get(client, template, f"{key}={raw}"), f"{template}?{key}={raw}")
            for header, value in HEADERS.items():
                _fine(client.get(template, **{header: value}), f"{template} with {header}")
            _fine(client.get(template, **HEADERS), f"{template} with every header")
    assert _snapshot(world["victim"]) == before


def _forms_on(client, path):
    parser = _Forms()
    parser.feed(client.get(path).content.decode())
    return [(form["action"] or path, form["fields"]) for form in parser.forms]


def _form_pages(world):
    return [
        "/",
        "/support/",
        "/support/tickets/",
        world["own_link"],
        world["requests"],
        world["survey"],
        f"/kb/{world['guide']}/",
        f"/runbooks/{world['runbook']}/",
        # Guide and runbook pages are cached, so their feedback form has no token and goes
        # by GET to the feedback page, whose form posts.
        f"/kb/{world['guide']}/feedback/",
        f"/runbooks/{world['runbook']}/feedback/",
        "/support/tickets/no-such-token/",
        "/status/",
        "/status/subscribe/",
        f"/status/subscription/{world['manage_token']}/",
    ]


@pytest.mark.django_db
@pytest.mark.slow
def test_hostile_values_in_every_form_field_never_fail(client, world):
    before = _snapshot(world["victim"])
    forms = {
        (action, tuple(sorted(fields.items())))
        for page in _form_pages(world)
        for action, fields in _forms_on(client, page)
    }
    actions = {urlsplit(action).path for action, _ in forms}
    assert {"/support/", "/support/tickets/", world["own_link"]} <= actions
    assert any(a.endswith("/feedback/") for a in actions)
    for action, fields in sorted(forms):
        fields = dict(fields)
        for name in fields:
            for value in HOSTILE:
                data = {**fields, name: value}
                _fine(client.post(action, data), f"POST {action} {name}={value[:40]!r}")
            for raw in RAW:
                body = urlencode({k: v for k, v in fields.items() if k != name})
                body += f"&{name}={raw}"
                response = client.post(
                    action, body, content_type="application/x-www-form-urlencoded"
                )
                _fine(response, f"POST {action} {name}={raw}")
        _fine(client.post(action, {**fields, "extra": LONG}), f"POST {action} extra field")
        # Bodies of the wrong kind.
        for content_type, body in [
            ("application/json", json.dumps(fields)),
            ("text/plain", "a\x00b"),
            ("multipart/form-data; boundary=x", "--x\r\ngarbage"),
            ("application/x-www-form-urlencoded", "%FF%FE=%ED%A0%80&&&=="),
            ("application/x-www-form-urlencoded", "a=" + "b" * 3_000_000),
        ]:
            response = client.post(action, body, content_type=content_type)
            _fine(response, f"POST {action} as {content_type}")
        _fine(client.post(action, fields, **HEADERS), f"POST {action} with every header")
    assert _snapshot(world["victim"]) == before
    # (In Python: a NUL in a LIKE pattern means "anything" to SQLite.)
    assert not any("\x00" in reason for reason in Feedback.objects.values_list("reason", flat=True))
