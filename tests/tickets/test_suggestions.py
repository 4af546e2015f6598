"""'These may solve it' while typing, and the deflection rate staff see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from search.models import SearchDocument
from tests.html import texts
from tickets.models import SuggestionOpen, Ticket


def test_typing_an_error_code_suggests_its_runbook_first(client, content):
    response = client.get(
        "/support/suggestions/",
        {
            "subject": "",
            "error_message": '{"error":{"code":"model_not_available"}}',
            "intake": "i1",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    titles = texts(html, "suggestion")
    assert "Model not available" in titles[0]
    assert 1 <= len(titles) <= 4
    assert "?intake=i1" in html and 'target="_blank"' in html


def test_nothing_typed_suggests_nothing(client, content):
    html = client.get("/support/suggestions/", {"subject": "  ", "intake": "i1"}).content.decode()
    assert texts(html, "suggestion") == [] and html.strip() == ""


def test_opening_a_suggestion_is_counted_and_goes_to_the_document(client, content):
    document = SearchDocument.objects.get(title="Model not available")
    response = client.get(f"/support/suggestions/{document.pk}/", {"intake": "abc"})
    assert response.status_code == 302 and response["Location"] == document.url
    opened = SuggestionOpen.objects.get()
    assert (opened.intake, opened.url, opened.ticket) == ("abc", document.url, None)
    assert client.get("/support/suggestions/999999/").status_code == 404


def test_a_ticket_from_the_same_form_is_linked_to_the_suggestions_opened(
    client, content, ticket_data
):
    document = SearchDocument.objects.get(title="Model not available")
    client.get(f"/support/suggestions/{document.pk}/", {"intake": "form-1"})
    client.post("/support/", ticket_data(intake="form-1"))
    assert SuggestionOpen.objects.get().ticket == Ticket.objects.get()


def test_deflection_rate_counts_forms_whose_suggestion_sent_no_ticket(
    client, content, ticket_data, agent
):
    document = SearchDocument.objects.get(title="Model not available")
    for intake in ["a", "b", "c", "d"]:
        client.get(f"/support/suggestions/{document.pk}/", {"intake": intake})
    client.get(f"/support/suggestions/{document.pk}/", {"intake": "a"})  # twice, one form
    client.post("/support/", ticket_data(intake="d"))
    SuggestionOpen.objects.update(created_at=timezone.now() - timedelta(hours=2))
    client.get(f"/support/suggestions/{document.pk}/", {"intake": "fresh"})  # too recent
    report = SuggestionOpen.objects.deflection()
    assert (report["forms"], report["deflected"], report["rate"]) == (4, 3, 75)

    client.force_login(agent)
    html = client.get("/admin/tickets/suggestionopen/").content.decode()
    assert "Deflection rate, last 30 days: 75%" in html
    assert "Not counted yet: 1 form from the last hour" in html


def test_a_suggestion_opened_just_now_is_said_to_be_not_counted_yet(client, content, agent):
    document = SearchDocument.objects.get(title="Model not available")
    client.get(f"/support/suggestions/{document.pk}/", {"intake": "fresh"})
    client.force_login(agent)
    html = client.get("/admin/tickets/suggestionopen/").content.decode()
    assert "No suggestions opened in the last 30 days before the last hour yet." in html
    assert "Not counted yet: 1 form from the last hour" in html


def test_opens_are_counted_at_most_120_an_hour_per_address(client, content):
    document = SearchDocument.objects.get(title="Model not available")
    for n in range(125):
        response = client.get(f"/support/suggestions/{document.pk}/", {"intake": f"f{n}"})
        assert response.status_code == 302  # the customer still gets there
    assert SuggestionOpen.objects.count() == 120


def test_the_runbook_the_customer_came_from_is_not_suggested_again(client, content):
    """Before: coming from "Streaming response fails", typing the symptom suggested it first."""
    typed = {"subject": "SSE stream stops early", "error_message": "", "intake": "i1"}
    plain = texts(client.get("/support/suggestions/", typed).content.decode(), "suggestion")
    assert "Streaming response fails" in plain[0]
    came_from = {**typed, "runbook": "streaming-response-fails"}
    html = client.get("/support/suggestions/", came_from).content.decode()
    # The suggestions' titles (a snippet may name the runbook in a link of its text).
    titles = [t.split(" (opens in a new tab)")[0] for t in texts(html, "suggestion")]
    assert titles and not any("Streaming response fails" in t for t in titles)
    page = client.get("/support/", {"runbook": "streaming-response-fails", "q": "SSE stream"})
    assert not any(
        "Streaming response fails" in t.split(" (opens in a new tab)")[0]
        for t in texts(page.content.decode(), "suggestion")
    )


@pytest.mark.parametrize("passage", ["²", "１２", "99999999999999999999999", "-1", "x"])
def test_a_citation_that_names_no_passage_goes_to_the_document(client, content, passage):
    # "²".isdigit() is True, and int("²") raised: a 500 the hostile-input sweep found.
    document = SearchDocument.objects.get(title="Model not available")
    response = client.get(f"/support/suggestions/{document.pk}/", {"passage": passage})
    assert response.status_code == 302 and response["Location"] == document.url
