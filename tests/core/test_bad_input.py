"""A NUL character anywhere in a request is refused with the 400 page (PostgreSQL cannot
store one: before, the views that stored or looked up such a value answered with a 500)."""

import pytest

from insights.models import SearchQuery
from search.models import SearchDocument


@pytest.fixture
def document(content):
    return SearchDocument.objects.get(url="/runbooks/billing-required/")


def assert_bad_request(response):
    assert response.status_code == 400
    html = response.content.decode()
    assert "We couldn't read that request" in html
    assert "Back to the help center" in html  # the site's own page, not Django's plain one
    assert "script-src 'self';" in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/support/?runbook=a%00b",
        "/support/suggestions/{pk}/?intake=a%00b",
        "/search/open/{pk}/?q=a%00b",
        "/?q=a%00b",
        "/search/?q=a%00b",
        "/kb/quickstart/?anything=a%00b",
    ],
)
def test_a_nul_in_the_query_string_is_a_bad_request(client, document, url):
    client.raise_request_exception = False
    assert_bad_request(client.get(url.format(pk=document.pk)))
    assert not SearchQuery.objects.exists()


@pytest.mark.django_db
def test_a_posted_nul_is_a_bad_request(client, content):
    client.raise_request_exception = False
    response = client.post("/support/", {"q": "a\x00b", "subject": "Help"})
    assert_bad_request(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "where",
    [
        {"path": "/support/tickets/a%00b/"},
        {"headers": {"HX-Search-Submitted": "true\x00"}},
        {"headers": {"Cookie": "sessionid=abcdefghij\x00"}},
    ],
)
def test_a_nul_in_the_path_a_header_or_a_cookie_is_a_bad_request(client, content, where):
    client.raise_request_exception = False
    response = client.get(where.get("path", "/?q=billing"), headers=where.get("headers"))
    assert_bad_request(response)


@pytest.mark.django_db
def test_text_that_is_not_utf8_is_read_as_replacement_characters(client, content):
    # Broken UTF-8 and encoded lone surrogates reach the view as U+FFFD, which is no error.
    response = client.get("/search/?q=caf%E9%ED%A0%80")
    assert response.status_code == 200
    assert SearchQuery.objects.get().text.startswith("caf\ufffd")
