"""Direct answers with proof (issue #23): what a customer sees above the results, on the
ticket form and from the JSON API."""

import json

import pytest
from django.db import connection
from django.test import Client

from answers.models import AnswerFeedback, Passage
from answers.quote import sentences_of
from answers.services import answer
from core.content import Passage as ContentPassage
from insights.models import AnswerEvent, SearchQuery
from kb.models import Guide
from runbooks.models import Runbook
from status.models import Incident, IncidentUpdate
from tests.conftest import BROWSER_USER_AGENT
from tickets.models import SuggestionOpen

pytestmark = pytest.mark.django_db

ASKED = "how long is the password reset link valid"


def body(response):
    return response.content.decode()


def card(html):
    """The answer card's HTML."""
    start = html.index('<section class="answer')
    return html[start : html.index("</section>", start)]


# --------------------------------------------------------------------------- passages


def test_content_declares_its_passages_with_the_anchors_its_pages_give_them(content):
    runbook = Runbook.objects.get(slug="cannot-sign-in")
    anchors = [p.anchor for p in runbook.answer_passages()]
    assert anchors[:2] == ["", "why-title"]
    assert {"check-1", "check-4", "fix-1", "fix-3", "escalation-title"} <= set(anchors)
    page = Client(HTTP_HOST="127.0.0.1").get(runbook.get_absolute_url()).content.decode()
    for anchor in anchors[1:]:
        assert f'id="{anchor}"' in page
    guide = Guide.objects.get(slug="authentication-and-security")
    passages = guide.answer_passages()
    assert all(isinstance(p, ContentPassage) for p in passages)
    reset = next(p for p in passages if p.anchor == "reset-your-password")
    assert "The link is valid for 1 hour." in reset.text
    page = Client(HTTP_HOST="127.0.0.1").get("/kb/authentication-and-security/")
    assert 'id="reset-your-password"' in page.content.decode()


def test_passages_and_vectors_follow_a_save_in_its_transaction(content):
    guide = Guide.objects.get(slug="quickstart")
    assert answer("what is the quantum flux capacitor limit").answer is None
    guide.body += "\n\n## Flux limits\n\nThe quantum flux capacitor limit is 88 gigawatts.\n"
    guide.save()
    reply = answer("what is the quantum flux capacitor limit")
    assert reply.answer is not None
    assert "88 gigawatts" in reply.answer.text
    assert reply.answer.citations[0].url == "/kb/quickstart/#flux-limits"
    guide.status = "draft"
    guide.save()
    assert not Passage.objects.filter(document__url="/kb/quickstart/").exists()
    assert answer("what is the quantum flux capacitor limit").answer is None


def test_sentences_are_spans_of_the_passage():
    text = "First one. Second: with a colon.\nA list item\nLast? Yes."
    for start, sentence in sentences_of(text):
        assert text[start : start + len(sentence)] == sentence
    assert [s for _, s in sentences_of(text)] == [
        "First one.",
        "Second: with a colon.",
        "A list item",
        "Last?",
        "Yes.",
    ]


# --------------------------------------------------------------------------- pages


def test_search_page_answers_above_the_results_without_javascript(client, content):
    html = body(client.get("/search/", {"q": ASKED}))
    answer_card = card(html)
    assert "The link is valid for 1 hour." in answer_card
    assert 'href="/kb/authentication-and-security/#reset-your-password"' in answer_card
    assert "Authentication and security" in answer_card and "Reset your password" in answer_card
    assert "Was this answer helpful?" in answer_card
    assert html.index('<section class="answer') < html.index('class="card-grid results-list')
    assert "<script" not in answer_card and "style=" not in answer_card


def test_home_search_answers_as_you_type_and_in_the_page(client, content):
    fragment = body(client.get("/", {"q": ASKED}, HTTP_HX_REQUEST="true"))
    assert "The link is valid for 1 hour." in card(fragment)
    page = body(client.get("/", {"q": ASKED}))
    assert "The link is valid for 1 hour." in card(page)


def test_a_keyword_gets_results_and_no_answer_card(client, content):
    html = body(client.get("/search/", {"q": "billing"}))
    assert '<section class="answer' not in html


@pytest.mark.parametrize("path", ["/search/", "/"])
def test_an_unanswerable_question_says_so_and_is_a_content_gap(client, content, path):
    html = body(client.get(path, {"q": "do you offer refunds"}))
    answer_card = card(html)
    assert "We don't have an answer to that in our guides yet." in answer_card
    assert "/support/?q=do%20you%20offer%20refunds" in answer_card
    event = AnswerEvent.objects.get()
    assert (event.text, event.answered) == ("do you offer refunds", False)
    assert SearchQuery.objects.get(text="do you offer refunds").zero_results == 1


def test_an_answer_is_counted_once_when_sent_not_while_typing(client, content):
    client.get("/", {"q": ASKED}, HTTP_HX_REQUEST="true")
    assert not AnswerEvent.objects.exists()
    client.get("/", {"q": ASKED}, HTTP_HX_REQUEST="true", HTTP_HX_SEARCH_SUBMITTED="true")
    event = AnswerEvent.objects.get()
    assert event.answered
    assert event.citation == "/kb/authentication-and-security/#reset-your-password"


def test_an_open_incident_on_a_cited_page_comes_first(client, content):
    guide = Guide.objects.get(slug="authentication-and-security")
    incident = Incident.objects.create(name="Password resets delayed", status="identified")
    IncidentUpdate.objects.create(
        incident=incident, status="identified", body="Reset emails are queued; sending resumes."
    )
    incident.guides.add(guide)
    html = body(client.get("/search/", {"q": ASKED}))
    answer_card = card(html)
    assert answer_card.index("Password resets delayed") < answer_card.index("valid for 1 hour")
    assert "(identified," in answer_card
    assert "Reset emails are queued; sending resumes." in answer_card
    assert f'href="{incident.get_absolute_url()}"' in answer_card
    data = json.loads(client.get("/api/answers/", {"q": ASKED}).content)
    assert data["incident"]["name"] == "Password resets delayed"
    assert data["incident"]["last_update"] == "Reset emails are queued; sending resumes."


# --------------------------------------------------------------------------- the API


def test_api_answers_in_the_documented_shape(client, content):
    response = client.get("/api/answers/", {"q": ASKED})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert set(data) == {"query", "answer", "incident", "results"}
    assert data["query"] == ASKED and data["incident"] is None
    found = data["answer"]
    # The section that answers it, short enough to be quoted whole, as written.
    quoted = [
        "On the sign-in page, request a password reset for your account email.",
        "Open the reset email.",
        "The link is valid for 1 hour.",
        "Set a new password that meets the policy above.",
        "Resetting your password signs out all other sessions.",
        "That is deliberate: if someone else had access, they lose it.",
        "Expect to sign in again on your other devices.",
    ]
    assert found["text"] == " ".join(quoted)
    assert found["sentences"] == [{"text": text, "citation": 0} for text in quoted]
    assert found["citations"] == [
        {
            "url": "/kb/authentication-and-security/#reset-your-password",
            "title": "Authentication and security",
            "section": "Reset your password",
        }
    ]
    assert data["results"] and {"title", "section", "url", "kind"} == set(data["results"][0])


def test_api_says_null_when_nothing_supports_an_answer(client, content):
    data = json.loads(client.get("/api/answers/", {"q": "can I pay with paypal"}).content)
    assert data["answer"] is None
    assert data["query"] == "can I pay with paypal"


def test_api_is_served_by_the_page_cache(client, content, django_assert_num_queries):
    first = client.get("/api/answers/", {"q": ASKED})
    assert first["X-Cache"] == "miss"
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        again = Client(HTTP_HOST="127.0.0.1").get("/api/answers/", {"q": ASKED})
    assert again["X-Cache"] == "hit" and again.content == first.content


def test_api_is_rate_limited_per_address(client, content, settings):
    settings.ANSWERS_API_RATE = "3/m"
    codes = [client.get("/api/answers/", {"q": f"question {n}"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/answers/", {"q": "question 9"})
    assert json.loads(limited.content)["error"].startswith("Too many requests")
    assert int(limited["Retry-After"]) >= 1


# --------------------------------------------------------------------------- feedback


def test_was_this_answer_helpful_is_recorded(client, content):
    client.get("/answers/feedback/")  # a CSRF cookie, as the token fetch on the page gives
    client = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT=BROWSER_USER_AGENT)
    response = client.post(
        "/answers/feedback/",
        {"q": ASKED, "cited": "/kb/authentication-and-security/#reset-your-password",
         "helpful": "yes"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 200
    assert "Thanks" in body(response) and "<html" not in body(response)
    vote = AnswerFeedback.objects.get()
    assert (vote.question, vote.helpful) == (ASKED, True)


def test_feedback_without_javascript_goes_to_a_page_that_sends_it(client, content):
    page = body(client.get("/answers/feedback/", {"q": ASKED, "helpful": "no"}))
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert f'value="{ASKED}"' in page
    bad = client.post("/answers/feedback/", {"q": "", "helpful": "maybe"})
    assert bad.status_code == 400
    assert not AnswerFeedback.objects.exists()


def test_feedback_keeps_only_local_citations(client, content):
    client.post(
        "/answers/feedback/", {"q": ASKED, "cited": "https://evil.example/", "helpful": "no"}
    )
    assert AnswerFeedback.objects.get().cited == ""


# --------------------------------------------------------------------------- ticket form


def test_ticket_form_shows_this_may_answer_it_and_counts_the_citation_open(client, content):
    html = body(client.get("/support/suggestions/", {"subject": ASKED, "intake": "form-1"}))
    assert "This may answer it" in html
    assert "The link is valid for 1 hour." in html
    assert "<form" not in html  # it sits inside the ticket's form
    passage = Passage.objects.get(
        document__url="/kb/authentication-and-security/", anchor="reset-your-password"
    )
    link = f"/support/suggestions/{passage.document_id}/?intake=form-1&amp;passage={passage.pk}"
    assert link in html
    response = client.get(link.replace("&amp;", "&"))
    assert response["Location"] == "/kb/authentication-and-security/#reset-your-password"
    assert SuggestionOpen.objects.get().intake == "form-1"
    # A passage of another document is not followed: the document's own address.
    other = Passage.objects.exclude(document_id=passage.document_id).first()
    response = client.get(f"/support/suggestions/{passage.document_id}/?passage={other.pk}")
    assert response["Location"] == "/kb/authentication-and-security/"


def test_ticket_form_page_shows_the_answer_to_its_subject(client, content):
    html = body(client.get("/support/", {"q": ASKED}))
    assert "This may answer it" in html and "The link is valid for 1 hour." in html
    assert "We don't have an answer" not in body(client.get("/support/", {"q": "refunds please"}))


def test_ticket_form_never_answers_from_the_runbook_the_customer_came_from(client, content):
    asked = {"subject": "SSE stream stops early", "intake": "form-1"}
    html = body(client.get("/support/suggestions/", asked))
    assert "This may answer it" in card(html)
    assert "/runbooks/streaming-response-fails/" in card(html)
    came_from = body(
        client.get("/support/suggestions/", {**asked, "runbook": "streaming-response-fails"})
    )
    assert "streaming-response-fails" not in came_from
    # Nor on the form page itself, sent with that subject from the runbook.
    page = body(
        client.get("/support/", {"runbook": "streaming-response-fails", "q": asked["subject"]})
    )
    assert 'class="answer' not in page or "/runbooks/streaming-response-fails/#" not in page


def test_the_engine_is_the_one_in_use():
    assert connection.vendor in {"sqlite", "postgresql"}
