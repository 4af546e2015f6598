"""The events come from what people do on the public pages, through search's signals and
new tickets; robots count nowhere, as in Content gaps."""

import time

import pytest

from insights.models import SearchDay, SearchEvent
from search.models import SearchDocument
from tickets.forms import signed_start

pytestmark = pytest.mark.django_db


def test_a_search_and_an_opened_result_become_one_event(client, content):
    client.get("/search/", {"q": "billing required"})
    document = SearchDocument.objects.get(url="/runbooks/billing-required/")
    client.get(f"/search/open/{document.pk}/", {"q": "billing required"})

    event = SearchEvent.objects.get()
    assert (event.text, event.opened) == ("billing required", True)
    assert event.results > 0
    day = SearchDay.objects.get()
    assert (day.searches, day.found, day.opened) == (1, 1, 1)


def test_a_search_served_from_the_page_cache_counts_again(client, content):
    client.get("/search/", {"q": "zzzz nothing"})
    second = client.get("/search/", {"q": "zzzz nothing"})
    assert second["X-Cache"] == "hit"
    assert SearchEvent.objects.filter(text="zzzz nothing").count() == 2


def test_robots_searches_are_not_events(client, content):
    client.get("/search/", {"q": "billing"}, HTTP_USER_AGENT="curl/8.5.0")
    assert not SearchEvent.objects.exists()


def test_a_ticket_from_the_search_page_link_marks_its_search(client, content, settings):
    client.get("/search/", {"q": "qqqq zzzz"})  # nothing found: the page offers the form
    form = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "subject": "qqqq zzzz",
        "category": "billing",
        "description": "Searched, found nothing, so here I am.",
        "reproducibility": "always",
        "started": signed_start(time.time() - 60),
        "intake": "intake-1",
        "website": "",
        "q": "qqqq zzzz",
    }
    response = client.post("/support/", form)
    assert response.status_code == 302, response.content.decode()[:2000]

    event = SearchEvent.objects.get()
    assert event.ticket_followed
    assert SearchDay.objects.get().ticket_followed == 1


def test_a_failure_to_count_never_breaks_the_search(client, content, monkeypatch, caplog):
    from django.db import DatabaseError

    from insights import recording

    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(recording, "record_search", broken)
    response = client.get("/search/", {"q": "billing required"})
    assert response.status_code == 200
    assert "Insights: could not record a search" in caplog.text
