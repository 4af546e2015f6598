"""No body a stranger sends makes a 500: hostile JSON (and JSON under the wrong content type)
posted to every public URL and every form's action, and to the inbound email webhook as a
provider would call it; odd query strings on every public URL, the JSON API's included.
CI runs it on SQLite and PostgreSQL (the sweep of values: test_hostile_input)."""

import base64
from urllib.parse import urlsplit

import pytest

from mail.models import InboundEmail
from tests.helpcenter import test_hostile_input as sweep
from tests.helpcenter.test_hostile_input import _fine, _form_pages, _forms_on, _paths, _snapshot

world = sweep.world  # the fixture

BODIES = {
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep objects": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "an integer of 5,000 digits": b'{"a": ' + b"9" * 5000 + b"}",
    "a float over the largest": b'{"a": 1e999999, "b": -1e999999}',
    "NaN and Infinity": b'{"a": NaN, "b": -Infinity}',
    "an escaped NUL": b'{"a": "\\u0000", "\\u0000": 1}',
    "a raw NUL": b'{"a": "\x00"}',
    "lone surrogates": b'{"a": "\\ud800", "\\udfff": "\\udc00\\ud800"}',
    "a list of everything": b'[1, "a", null, true, {}, [], 1.5]',
    "a string": b'"x"',
    "null": b"null",
    "a number": b"-0",
    "fields of the wrong type": (
        b'{"email": 5, "subject": [], "description": {}, "helpful": "maybe", '
        b'"RawEmail": 5, "MessageID": [], "Headers": "x", "Attachments": {"a": 1}}'
    ),
    "a 1 MB string": b'{"a": "' + b"x" * 1_000_000 + b'"}',
    "invalid UTF-8": b'{"a": "\xff\xfe\xed\xa0\x80\xc0\xaf"}',
    "nothing": b"",
    "cut short": b'{"a": ',
    "a byte order mark": b'\xef\xbb\xbf{"a": 1}',
    "keys twice": b'{"a": 1, "a": [2]}',
}
# Bodies sent under every content type; the others only as JSON.
EVERY_TYPE = ("a 1 MB string", "invalid UTF-8", "lone surrogates")
CONTENT_TYPES = [
    "application/json; charset=utf-16",
    "application/json; charset=bogus",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=",
]
ODD_QUERIES = [
    "a=1&a=2&a=",
    "&&&==&=",
    "a[]=1&a[b]=2&callback=alert(1)",
    "&".join(f"k{i}=v" for i in range(1100)),  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    "q=" + "x" * 100_000,
    "%",
    "%%%=%FF&%ED%A0%80=1",
    "limit=99999999999999999999&page=-1&per_page=1e309&since=0001-01-01T00:00:00%2B14:00",
    "format=json&jsonp=x&_=1",
]
POSTMARK = "/inbound/postmark/inbound/"
POSTMARK_AUTH = "postmark:s3cret-Words"


def _post_everything(client, url, *, skip=(), **headers):
    """The bytes as they are (the test client's post() would re-encode them)."""
    for name, body in BODIES.items():
        if name not in skip:
            response = client.generic("POST", url, body, "application/json", **headers)
            _fine(response, f"POST {url} with {name}")
    for name in EVERY_TYPE:
        for content_type in CONTENT_TYPES:
            response = client.generic("POST", url, BODIES[name], content_type, **headers)
            _fine(response, f"POST {url} with {name} as {content_type}")


def _public_urls(client, world):
    paths = {p for ps in _paths(world).values() for p in ps if "{hostile}" not in p}
    actions = {
        urlsplit(action).path
        for page in _form_pages(world)
        for action, _ in _forms_on(client, page)
    }
    return sorted(paths | actions)


@pytest.mark.django_db
@pytest.mark.slow
def test_hostile_json_bodies_never_fail(client, world):
    before = _snapshot(world["victim"])
    urls = _public_urls(client, world)
    assert {"/support/", "/status/subscribe/", "/forms/token/", "/api/v2/summary.json"} <= set(urls)
    for url in urls:
        _post_everything(client, url)
        _post_everything(client, url, HTTP_HX_REQUEST="true", skip=set(BODIES) - {"nothing"})
    assert _snapshot(world["victim"]) == before


@pytest.mark.django_db
@pytest.mark.slow
def test_odd_query_strings_never_fail(client, world):
    before = _snapshot(world["victim"])
    for url in _public_urls(client, world):
        for query in ODD_QUERIES:
            _fine(client.get(f"{url}?{query}"), f"GET {url}?{query[:60]}")
    assert _snapshot(world["victim"]) == before


@pytest.mark.django_db
@pytest.mark.slow
def test_hostile_json_to_the_inbound_webhook_never_fails(client, world, inbound_providers):
    """As the provider calls it, with the secret (NUL in a webhook body and providers left
    unconfigured are tested in tests/tickets)."""
    inbound_providers(["postmark"], WEBHOOK_SECRET=POSTMARK_AUTH)
    before = _snapshot(world["victim"])
    auth = "Basic " + base64.b64encode(POSTMARK_AUTH.encode()).decode()
    _post_everything(
        client, POSTMARK, skip={"an escaped NUL", "a raw NUL"}, HTTP_AUTHORIZATION=auth
    )
    assert _snapshot(world["victim"]) == before
    assert not InboundEmail.objects.filter(owner_id=world["victim"].pk).exists()
