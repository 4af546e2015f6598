"""Private links out of text others read (core.redaction): every token-bearing route of the
site is known, in every shape a mail client leaves it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.redaction import redact_private_links

# Fixed (test ids must be the same in every test process): the shapes of the tokens we issue.
TOKENS = [
    "q7Xb0-Zk2mJ_4sVwY9hTnR1cLpE6aUoD3fGiKxN8yHA",  # secrets.token_urlsafe(32): tickets
    ".eJwzNDQxMDEwNTQ2NgIADQwCHQ:1vQxyz:AbCdEfGhIjKlMnOpQrStUvWxYz0123456",  # survey, receipt
    "ImExYjJjM2Q0ZTVmNiI:1vQxyz:Jy9LPQx8lwY9CgpN3eY3QmoUH7zHlz-oR_hrS9Zu3uY",  # status links
]


def _token_routes(resolver=None, namespace=""):
    """(name, parameter) of every public route taking a free-form string: the token routes
    (the admin's <id> routes need a staff login, not a token)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _token_routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            for parameter, converter in converters.items():
                if type(converter).__name__ == "StringConverter":
                    yield f"{namespace}{entry.name}", parameter, list(converters)


ROUTES = sorted({(name, tuple(params)) for name, _, params in _token_routes()})


def test_the_site_has_the_token_routes_we_know():
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
