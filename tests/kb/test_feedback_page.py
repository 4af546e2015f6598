"""The feedback widget on cached pages: the shared form holds no token; the feedback page
(GET, never cached) is this visitor's, and is where a vote is sent without JavaScript."""

import re

import pytest

pytestmark = pytest.mark.django_db


def form_tag(html):
    return re.search(r'<form method="[^"]*" action="[^"]*/feedback/[^"]*"[^>]*>', html).group(0)


@pytest.mark.parametrize("maker", ["make_guide", "make_runbook"])
def test_the_shared_widget_has_no_token_and_fetches_one(client, request, maker):
    item = request.getfixturevalue(maker)()
    html = client.get(item.get_absolute_url()).content.decode()
    assert form_tag(html).startswith(
        f'<form method="get" action="{item.get_absolute_url()}feedback/#feedback"'
    )
    assert "csrfmiddlewaretoken" not in html
    assert 'data-hx-get="/forms/token/" data-hx-trigger="load" data-hx-target="this"' in html


def test_the_token_field_is_this_visitors(client):
    response = client.get("/forms/token/", HTTP_HX_REQUEST="true")
    assert re.fullmatch(
        r'<input type="hidden" name="csrfmiddlewaretoken" value="\w{64}">\s*',
        response.content.decode(),
    )
    assert "csrftoken" in response.cookies


def test_without_javascript_the_feedback_page_keeps_the_choice_and_reason(client, make_guide):
    guide = make_guide()
    response = client.get(guide.get_absolute_url() + "feedback/?helpful=no&reason=Needs+a+diagram")
    html = response.content.decode()
    assert form_tag(html).startswith('<form method="post"')
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Not sent yet: choose Yes or No below to send your answer." in html
    assert ">Needs a diagram</textarea>" in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_after_a_vote_the_feedback_page_shows_it_with_its_reason(client, make_runbook):
    runbook = make_runbook()
    url = runbook.get_absolute_url() + "feedback/"
    response = client.post(url, {"helpful": "no", "reason": "Step 2 fails"})
    assert response["Location"] == url + "?voted=1#feedback"
    html = client.get(response["Location"]).content.decode()
    assert "You answered <strong>No</strong> and told us why." in html
    assert ">Step 2 fails</textarea>" in html
    assert 'id="feedback-no" class="button button--secondary" aria-pressed="true"' in html


def test_htmx_gets_only_the_widget(client, make_guide):
    guide = make_guide()
    html = client.get(guide.get_absolute_url() + "feedback/", HTTP_HX_REQUEST="true")
    assert html.content.decode().lstrip().startswith('<section id="feedback"')
