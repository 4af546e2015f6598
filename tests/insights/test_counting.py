"""Content gaps count people's searches and opened results, not robots' or one client's flood.

Before, every GET counted: crawlers, link previews, mail scanners and prefetches, and a script
could write any text with any count through /search/open/<pk>/?q= or HX-Search-Submitted.
"""

import pytest

from insights import counting
from insights.models import SearchQuery
from search.models import SearchDocument
from tests.conftest import BROWSER_USER_AGENT

pytestmark = pytest.mark.django_db

NOT_PEOPLE = {
    "no user agent": {},
    "curl": {"User-Agent": "curl/8.5.0"},
    "crawler": {
        "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    },
    "chat link preview": {
        "User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
    },
    "headless browser": {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/142.0.0.0 Safari/537.36"
    },
    "prerender": {"User-Agent": BROWSER_USER_AGENT, "Sec-Purpose": "prefetch;prerender"},
    "prefetch": {"User-Agent": BROWSER_USER_AGENT, "Purpose": "prefetch"},
}


@pytest.fixture
def open_link(content):
    document = SearchDocument.objects.get(url="/runbooks/billing-required/")
    return f"/search/open/{document.pk}/?q=text+nobody+searched"


@pytest.mark.parametrize("headers", NOT_PEOPLE.values(), ids=NOT_PEOPLE.keys())
def test_robots_and_prefetches_get_everything_but_count_nothing(client, open_link, headers):
    del client.defaults["HTTP_USER_AGENT"]
    response = client.get(open_link, headers=headers)
    assert response.status_code == 302
    assert response["Location"] == "/runbooks/billing-required/"
    assert client.get("/search/", {"q": "zzqxv"}, headers=headers).status_code == 200
    sent = {**headers, "HX-Request": "true", "HX-Search-Submitted": "true"}
    assert client.get("/", {"q": "zzqxv"}, headers=sent).status_code == 200
    assert not SearchQuery.objects.exists()


def test_a_persons_browser_counts(client, open_link):
    client.get(open_link)
    client.get("/search/", {"q": "zzqxv"})
    client.get("/", {"q": "zzqxv"}, headers={"HX-Request": "true", "HX-Search-Submitted": "true"})
    counts = {q.text: (q.searches, q.opens) for q in SearchQuery.objects.all()}
    assert counts == {"text nobody searched": (1, 1), "zzqxv": (2, 0)}


def test_one_client_counts_up_to_a_limit(client, open_link, monkeypatch):
    monkeypatch.setattr(counting, "COUNT_RATE", "3/h")
    for _ in range(5):
        assert client.get(open_link).status_code == 302  # the redirect always works
    assert SearchQuery.objects.get().opens == 3
    client.get("/search/", {"q": "zzqxv"})
    assert not SearchQuery.objects.filter(text="zzqxv").exists()
    client.get(open_link, REMOTE_ADDR="203.0.113.9")  # someone else still counts
    assert SearchQuery.objects.get().opens == 4


def test_result_links_are_nofollow_and_robots_txt_keeps_crawlers_out(client, content):
    html = client.get("/search/", {"q": "billing"}).content.decode()
    assert 'rel="nofollow"' in html.split('class="card__title"><a ')[1].split(">")[0]
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /search/" in robots.content.decode()
