"""A session past the password but not the second step reaches no admin page or action."""

import re

import pytest
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from kb.models import Guide

pytestmark = pytest.mark.django_db

# The second step's own pages, and the ways in and out.
OPEN = {
    "/admin/login/",
    "/admin/logout/",
    "/admin/two-factor/code/",
    "/admin/two-factor/set-up/",
    "/admin/two-factor/set-up/qr.svg",
    "/admin/invitation/1/1/",  # a colleague's invitation: choose a password (no such link here)
}


def admin_urls():
    """Every URL of the admin site: each pattern, with 1 for each parameter."""
    [admin] = [p for p in get_resolver().url_patterns if getattr(p, "app_name", "") == "admin"]
    return sorted(set(_walk(admin.url_patterns, "/admin/")))


def _walk(patterns, prefix):
    for pattern in patterns:
        for route in _routes(pattern.pattern):
            if isinstance(pattern, URLResolver):
                yield from _walk(pattern.url_patterns, prefix + route)
            else:
                yield prefix + route


def _routes(pattern):
    if isinstance(pattern, RoutePattern):
        return [re.sub(r"<[^>]+>", "1", str(pattern))]
    regex = str(pattern)
    if match := re.search(r"\(\?P<app_label>([^)]*)\)", regex):
        return [f"{label}/" for label in match.group(1).split("|")]
    return ["no-such-page/"]  # the catch-all


@pytest.mark.slow
def test_every_admin_url_sends_to_the_second_step(client, half_signed_in):
    urls = admin_urls()
    assert len(urls) > 150 and "/admin/kb/guide/1/change/" in urls
    for url in sorted(set(urls) - OPEN):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (method.__name__, url, response.status_code)
            assert response.url.startswith(half_signed_in + "?next="), (url, response.url)


def test_no_admin_action_runs_before_the_second_step(client, half_signed_in, make_guide):
    guide = make_guide()
    client.post(f"/admin/kb/guide/{guide.pk}/delete/", {"post": "yes"})
    client.post(
        "/admin/kb/guide/",
        {"action": "delete_selected", "_selected_action": [guide.pk], "post": "yes"},
    )
    client.post(f"/admin/kb/guide/{guide.pk}/change/", {"title": "Hijacked"})
    assert Guide.objects.filter(pk=guide.pk, title=guide.title).exists()


def test_the_step_pages_show_no_admin_navigation(client, half_signed_in):
    html = client.get(half_signed_in).content.decode()
    assert 'id="nav-sidebar"' not in html
    assert 'id="user-tools"' not in html
    assert "/admin/kb/" not in html
