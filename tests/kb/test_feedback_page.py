"""The feedback widget on cached pages: the shared form holds no token; the feedback page
(GET, never cached) is this visitor's, and is where a vote is sent without JavaScript."""

import re

import pytest

from kb.models import Feedback

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


def test_changing_no_with_a_reason_to_yes_does_not_carry_the_reason(client, make_guide):
    """The box still holds the No's reason when Yes is pressed: Yes must not claim it."""
    guide = make_guide()
    url = guide.get_absolute_url() + "feedback/"
    client.post(url, {"helpful": "no", "reason": "Step 2 fails"})
    html = client.get(url + "?voted=1").content.decode()
    assert ">Step 2 fails</textarea>" in html
    # The browser sends the form as it is: Yes, with the reason still in the box.
    client.post(url, {"helpful": "yes", "reason": "Step 2 fails"})
    html = client.get(url + "?voted=1").content.decode()
    assert "You answered <strong>Yes</strong>." in html
    assert "told us why" not in html
    assert "Step 2 fails" not in html
    vote = Feedback.objects.get()
    assert vote.helpful is True and vote.reason == ""


def test_a_new_reason_sent_with_a_changed_answer_is_kept(client, make_guide):
    guide = make_guide()
    url = guide.get_absolute_url() + "feedback/"
    client.post(url, {"helpful": "no", "reason": "Step 2 fails"})
    client.post(url, {"helpful": "yes", "reason": "Worked after a retry"})
    assert Feedback.objects.get().reason == "Worked after a retry"
    html = client.get(url + "?voted=1").content.decode()
    assert "You answered <strong>Yes</strong> and told us why." in html


@pytest.mark.parametrize("path", ["", "feedback/"])
def test_the_reason_box_comes_before_the_buttons_its_hint_points_to(client, make_guide, path):
    html = client.get(make_guide().get_absolute_url() + path).content.decode()
    widget = html[html.index('<section id="feedback"') :]
    assert "Then choose Yes or No below to send." in widget
    assert widget.index("<textarea") < widget.index('id="feedback-yes"')
    assert widget.index("<textarea") < widget.index('id="feedback-no"')
