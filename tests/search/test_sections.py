"""A long guide matched in one section links to that section's heading, with its title."""

import pytest
from django.core.management import call_command

from search.models import SearchSection
from search.services import search
from tests.html import texts

pytestmark = pytest.mark.django_db

BODY = """Everything about signing in.

## Passwords

Reset your password from the sign-in page.

## Recovery codes

Store the recovery codes offline, in a password manager.

### Using a code

Each code works once.
"""


def sections(guide):
    return list(
        SearchSection.objects.filter(document__object_id=guide.pk).values_list("anchor", "heading")
    )


def test_a_search_answered_by_one_section_links_to_its_heading(make_guide):
    make_guide("Account security", slug="security", body=BODY)
    [hit] = search("recovery codes offline", as_you_type=False).hits
    assert hit.url == "/kb/security/#recovery-codes"
    assert hit.section == "Recovery codes"
    assert "<mark>offline</mark>" in hit.snippet and "Reset your password" not in hit.snippet
    [hit] = search("code works once", as_you_type=False).hits
    assert (hit.url, hit.section) == ("/kb/security/#using-a-code", "Using a code")


def test_words_spread_over_sections_or_in_the_title_link_to_the_guide(make_guide):
    make_guide("Account security", slug="security", body=BODY)
    [hit] = search("password recovery", as_you_type=False).hits  # the title does not say
    assert hit.url == "/kb/security/#recovery-codes"  # both in "Recovery codes"
    [hit] = search("reset recovery", as_you_type=False).hits
    assert (hit.url, hit.section) == ("/kb/security/", "")
    [hit] = search("security", as_you_type=False).hits
    assert (hit.url, hit.section) == ("/kb/security/", "")


def test_the_results_page_shows_the_section_and_links_to_it(client, make_guide):
    make_guide("Account security", slug="security", body=BODY)
    html = client.get("/search/", {"q": "recovery codes offline"}).content.decode()
    assert texts(html, "card__title") == ["Account security › , section Recovery codes"]
    assert "?q=recovery%20codes%20offline#recovery-codes" in html
    guide = client.get("/kb/security/").content.decode()
    assert 'id="recovery-codes"' in guide  # the anchor as rendered on the guide page


def test_sections_follow_saves_unpublishing_and_rebuilds(make_guide):
    from kb.models import PublishState

    guide = make_guide("Account security", slug="security", body=BODY)
    assert sections(guide) == [
        ("passwords", "Passwords"),
        ("recovery-codes", "Recovery codes"),
        ("using-a-code", "Using a code"),
    ]
    guide.body = "## Sessions\n\nSign out everywhere."
    guide.save()
    assert sections(guide) == [("sessions", "Sessions")]
    SearchSection.objects.all().delete()
    call_command("rebuild_search_index")
    assert sections(guide) == [("sessions", "Sessions")]
    guide.transition(PublishState.UNPUBLISHED)
    assert not SearchSection.objects.exists()
