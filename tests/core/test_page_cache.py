"""Anonymous pages come from a shared cache: never someone else's, never stale after a write."""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from insights.models import SearchQuery
from kb.models import PublishState
from status import services
from tests.conftest import BROWSER_USER_AGENT
from tests.tickets.links import emailed_link
from tickets import services as ticket_services
from tickets.models import Ticket, TicketLink

pytestmark = pytest.mark.django_db


def visitor():
    """Another person's browser: no cookies in common with anyone."""
    return Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT=BROWSER_USER_AGENT)


def html(response):
    return response.content.decode()


def tag_line(response):
    return html(response).split('<p class="tag-line">')[1].split("</p>")[0]


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def banner(page):
    return page.split('<div class="status-banner')[1].split("</div>")[0]


# --------------------------------------------------------------------------- served and fresh


def test_an_anonymous_page_is_served_from_the_cache_without_a_query(
    client, make_guide, django_assert_num_queries
):
    guide = make_guide("Rotate your keys")
    first = client.get(guide.get_absolute_url())
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = visitor().get(guide.get_absolute_url())
    assert again["X-Cache"] == "hit"
    assert again.content == first.content


def test_an_edit_shows_on_the_next_request(client, make_guide):
    guide = make_guide("Rotate your keys")
    client.get(guide.get_absolute_url())
    client.get("/")
    guide.title = "Rotate your API keys"
    guide.save()
    assert "Rotate your API keys" in html(client.get(guide.get_absolute_url()))
    assert "Rotate your API keys" in html(client.get("/"))


def test_a_tag_added_shows_on_the_next_request(client, make_guide):
    guide = make_guide("Rotate your keys")
    billing = make_guide(tags=["billing"]).tags.get()
    assert "billing" not in tag_line(client.get(guide.get_absolute_url()))
    guide.tags.add(billing)
    assert "billing" in tag_line(client.get(guide.get_absolute_url()))


def test_a_deleted_guide_is_gone_at_once(client, make_guide):
    guide = make_guide()
    assert client.get(guide.get_absolute_url()).status_code == 200
    guide.delete()
    assert client.get(guide.get_absolute_url()).status_code == 404


def test_a_status_change_shows_at_once_on_every_cached_page(client, content, make_guide):
    pages = ["/", "/kb/quickstart/", "/runbooks/cannot-sign-in/", "/status/"]
    for url in pages:
        assert "Operational" in banner(html(client.get(url)))
    services.open_incident(name="Elevated API errors", impact="major", body="Looking into it.")
    for url in pages:
        assert "Elevated API errors" in banner(html(client.get(url))), url


def test_a_maintenance_starting_by_the_clock_shows_on_cached_pages(client, make_guide, monkeypatch):
    now = timezone.now()
    services.schedule_maintenance(
        name="Database upgrade",
        scheduled_for=now + timedelta(minutes=60),
        scheduled_until=now + timedelta(minutes=120),
        body="Read-only for an hour.",
    )
    assert "Operational" in banner(html(client.get("/")))
    assert client.get("/")["X-Cache"] == "hit"
    later = now + timedelta(minutes=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.tick(now=later)  # the status clock (cron, or beside `make run`) moves it on
    assert "Service Under Maintenance" in banner(html(client.get("/")))


def test_votes_and_searches_do_not_empty_the_cache(client, make_guide):
    guide = make_guide()
    client.get(guide.get_absolute_url())
    client.post(guide.get_absolute_url() + "feedback/", {"helpful": "yes"})
    client.get("/search/?q=guide")
    assert client.get(guide.get_absolute_url())["X-Cache"] == "hit"


def test_a_search_served_from_the_cache_still_counts(client, make_guide):
    make_guide("Streaming stops", body="The stream stops after a minute.")
    for _ in range(3):
        client.get("/search/?q=stream+stops")
    assert client.get("/search/?q=stream+stops")["X-Cache"] == "hit"
    assert SearchQuery.objects.get().searches == 4


def test_a_fragment_and_its_page_are_kept_apart(client, content):
    page = html(client.get("/?q=token"))
    fragment = html(client.get("/?q=token", HTTP_HX_REQUEST="true"))
    assert page.startswith("<!DOCTYPE html>")
    assert not fragment.lstrip().startswith("<!DOCTYPE") and "<html" not in fragment
    assert html(client.get("/?q=token")) == page
    assert html(client.get("/?q=token", HTTP_HX_REQUEST="true")) == fragment


def test_head_is_answered_from_the_page_kept_for_get(client, make_guide):
    guide = make_guide()
    client.get(guide.get_absolute_url())
    assert client.head(guide.get_absolute_url())["X-Cache"] == "hit"


# --------------------------------------------------------------------------- never someone else's


def test_a_cached_page_never_shows_another_visitors_vote(client, make_guide):
    guide = make_guide()
    url = guide.get_absolute_url()
    client.post(url + "feedback/", {"helpful": "no", "reason": "Needs a diagram"})
    hx = client.post(url + "feedback/", {"helpful": "no"}, HTTP_HX_REQUEST="true")
    assert "You answered <strong>No</strong>" in html(hx)  # this visitor's own widget
    voter_page = html(client.get(url))
    stranger_page = html(visitor().get(url))
    assert voter_page == stranger_page
    assert 'aria-pressed="true"' not in stranger_page
    assert "You answered" not in stranger_page and "Needs a diagram" not in stranger_page
    assert 'name="csrfmiddlewaretoken"' not in stranger_page
    # The voter sees their vote on the feedback page, which nobody else is served.
    own = client.get(url + "feedback/?voted=1")
    assert "You answered <strong>No</strong>" in html(own)
    assert "no-store" in own["Cache-Control"]
    stranger = html(visitor().get(url + "feedback/?voted=1"))
    assert "You answered" not in stranger and "Needs a diagram" not in stranger


def test_form_errors_stay_with_the_visitor_who_made_them(client, make_guide):
    guide = make_guide()
    url = guide.get_absolute_url()
    client.get(url)
    wrong = client.post(url + "feedback/", {"reason": "x" * 600})
    assert wrong.status_code == 400 and "Choose Yes or No." in html(wrong)
    assert "no-store" in wrong["Cache-Control"]
    for response in (client.get(url), visitor().get(url), visitor().get(url + "feedback/")):
        assert "Choose Yes or No." not in html(response)
        assert "x" * 600 not in html(response)


def test_a_private_ticket_page_is_never_kept(client, settings):
    ticket = ticket_services.create_ticket(
        Ticket(email="ada@example.com", subject="Invoice 4411 is wrong", description="Help.")
    )
    link = emailed_link(ticket)
    first = client.get(link)
    assert "Invoice 4411 is wrong" in html(first)
    assert "no-store" in first["Cache-Control"] and "X-Cache" not in first
    TicketLink.objects.filter(ticket=ticket).delete()  # the link is revoked
    assert visitor().get(link).status_code == 404


def test_staff_are_never_served_from_the_cache_nor_stored_in_it(client, make_guide, staff_in):
    guide = make_guide("Rotate your keys")
    draft = make_guide("Unreleased", status=PublishState.DRAFT)
    client.get(guide.get_absolute_url())
    type(guide).objects.filter(pk=guide.pk).update(title="Rotate your API keys")  # no signal
    editor = Client(HTTP_HOST="127.0.0.1")
    editor.force_login(staff_in("Content editors"))
    fresh = editor.get(guide.get_absolute_url())
    assert "Rotate your API keys" in html(fresh)  # rendered for them, not the cached copy
    assert "X-Cache" not in fresh and "no-store" in fresh["Cache-Control"]
    preview = editor.get(draft.get_absolute_url())
    assert "Draft: only editors of guides can see it." in html(preview)
    assert visitor().get(draft.get_absolute_url()).status_code == 404


def cookie_reader(request):
    return HttpResponse(f"theme {request.COOKIES.get('theme', 'light')}")


@vary_on_headers("Cookie")
def cookie_varying(request):
    return HttpResponse("per cookie")


def cookie_setter(request):
    response = HttpResponse("hello")
    response.set_cookie("seen", "1")
    return response


def language(request):
    response = HttpResponse(request.headers.get("Accept-Language", "none"))
    response["Vary"] = "Accept-Language"
    return response


urlpatterns = [
    path("reader/", cookie_reader),
    path("varying/", cookie_varying),
    path("setter/", cookie_setter),
    path("language/", language),
    path("", include("helpcenter.urls")),
]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("url", ["/reader/", "/varying/", "/setter/", "/language/"])
def test_a_response_that_depends_on_the_visitor_is_not_kept(url):
    dark = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE="theme=dark", HTTP_ACCEPT_LANGUAGE="fr")
    first = dark.get(url)
    assert "X-Cache" not in first
    assert directives(first) == {"private", "no-store"}
    assert visitor().get(url).content != b"theme dark"
    assert "X-Cache" not in visitor().get(url)


# --------------------------------------------------------------------------- HTTP caching


@pytest.mark.parametrize(
    "url", ["/", "/kb/quickstart/", "/runbooks/cannot-sign-in/", "/status/", "/?q=token"]
)
def test_anonymous_pages_have_validators_and_a_public_cache_control(client, content, url):
    response = client.get(url)
    assert directives(response) == {"public", "max-age=10", "stale-while-revalidate=60"}
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    not_modified = visitor().get(url, HTTP_IF_MODIFIED_SINCE=modified)
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_an_old_etag_gets_the_new_page(client, make_guide):
    guide = make_guide("Rotate your keys")
    etag = client.get(guide.get_absolute_url())["ETag"]
    guide.title = "Rotate your API keys"
    guide.save()
    response = client.get(guide.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Rotate your API keys" in html(response)


@pytest.mark.parametrize("url", ["/support/", "/healthz", "/readyz", "/forms/token/"])
def test_private_and_live_answers_are_never_stored(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in directives(response) and "public" not in directives(response)
    assert "X-Cache" not in client.get(url)


def test_the_status_api_keeps_its_own_cache_control(client):
    response = client.get("/api/v2/summary.json")
    assert response["Cache-Control"] == "public, max-age=30"
    assert client.get("/api/v2/summary.json")["X-Cache"] == "hit"
