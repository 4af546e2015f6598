"""Outside the admin, a session counts as staff only once it has passed the second step (or
when none is owed): a password alone previews no draft and shows no staff-only bit.

Every public URL is walked, so a view that starts to honour staff later is covered too."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from kb.models import PublishState
from tests.accounts.conftest import sign_in
from tests.conftest import BROWSER_USER_AGENT

pytestmark = pytest.mark.django_db

SLUG = "secret-draft"  # a draft guide and a draft runbook both have it
# What a URL parameter becomes, by its converter.
SAMPLES = {"slug": SLUG, "int": "1", "str": "x", "path": "x", "uuid": "0" * 32}


def public_urls():
    """Every URL outside the admin: each pattern, its parameters filled from SAMPLES."""
    patterns = [p for p in get_resolver().url_patterns if getattr(p, "app_name", "") != "admin"]
    return sorted(set(_walk(patterns, "/")))


def _walk(patterns, prefix):
    for pattern in patterns:
        route = _route(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + route)
        else:
            yield prefix + route


def _route(pattern):
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], str(pattern))
    # A regex: its optional groups left out (the status API's catch-all).
    return re.sub(r"\(\?:.*\)\?", "", str(pattern)).strip("^$")


def seen(response):
    """What a visitor gets from a URL: the status and the page, less what differs between any
    two requests (CSRF tokens, the ticket form's signed start time and intake id, an empty
    feed's "updated" time, which is now)."""
    body = response.content.decode(errors="replace") if not response.streaming else ""
    body = re.sub(r'(name="(?:csrfmiddlewaretoken|started|intake)" value=")[^"]*', r"\1", body)
    body = re.sub(r"<(updated|lastBuildDate)>[^<]*", r"<\1>", body)
    return response.status_code, body


@pytest.fixture
def drafts(make_guide, make_runbook):
    return [
        make_guide("Unreleased guide", slug=SLUG, status=PublishState.DRAFT),
        make_runbook("Unreleased runbook", slug=SLUG, status=PublishState.DRAFT),
    ]


@pytest.fixture
def anonymous():
    return Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT=BROWSER_USER_AGENT)


@pytest.mark.slow
def test_a_session_owing_the_second_step_gets_the_public_site(
    client, anonymous, half_signed_in, drafts, staff, verified_login, settings
):
    settings.PAGE_CACHE = False  # both visitors rendered afresh, never one from the other
    urls = public_urls()
    draft_urls = [draft.get_absolute_url() for draft in drafts]
    assert set(draft_urls) | {f"{url}feedback/" for url in draft_urls} <= set(urls)
    assert len(urls) > 40

    for url in urls:
        assert seen(client.get(url)) == seen(anonymous.get(url)), url
        vote = {"helpful": "yes"}  # what the feedback forms take; an error elsewhere
        assert client.post(url, vote).status_code == anonymous.post(url, vote).status_code, url
    for url in draft_urls:
        assert client.get(url).status_code == 404
        assert client.post(f"{url}feedback/", {"helpful": "yes"}).status_code == 404

    # The same person once past the second step previews them (so the walk can fail).
    verified = verified_login(Client(HTTP_HOST="127.0.0.1"), staff)
    for url in draft_urls:
        response = verified.get(url)
        assert response.status_code == 200
        assert "only editors of" in response.content.decode()


def test_staff_without_two_factor_when_not_required_preview_drafts(client, staff, drafts):
    """Not required and not set up: the password is the whole sign-in, as in the admin."""
    staff.user_permissions.set(Permission.objects.filter(codename="view_guide"))
    sign_in(client)
    assert client.get(drafts[0].get_absolute_url()).status_code == 200
    assert client.get(drafts[1].get_absolute_url()).status_code == 404  # no runbook permission


def test_a_signed_in_user_who_is_not_staff_previews_nothing(client, staff, drafts):
    staff.is_staff = False
    staff.save()
    staff.user_permissions.set(Permission.objects.all())
    client.force_login(staff)
    for draft in drafts:
        assert client.get(draft.get_absolute_url()).status_code == 404
