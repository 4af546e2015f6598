"""The queue's search finds everything a ticket holds (issue 22, item 1): any message, an
email's body, internal notes, the requester, the organization, tags, field values and file
names; ranked, with the words marked in a snippet under each row; operators and phrases.
Both engines (CI runs this on PostgreSQL too)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.html import texts
from tests.tickets.inbound import deliver, fixture
from tickets import attachments, fulltext, queueviews, services
from tickets.merging import merge
from tickets.models import (
    CustomField,
    Organization,
    OrganizationDomain,
    Ticket,
    TicketSearchText,
)

from .desk import CHANGELIST


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def refs(html):
    return [t.strip() for t in texts(html, "field-reference")]


def found(client, query, **params):
    return refs(client.get(CHANGELIST, {"q": query, **params}).content.decode())


def test_a_phrase_only_in_a_later_message_finds_the_ticket(agent_client, agent, make_ticket):
    ticket = make_ticket(subject="Streaming stops", description="It stops after a minute.")
    make_ticket(subject="Other")
    services.customer_reply(ticket, "Our nginx logs say proxy_read_timeout, invoice INV-88213.")
    assert found(agent_client, "INV-88213") == [ticket.reference]
    assert found(agent_client, "proxy_read_timeout") == [ticket.reference]
    html = agent_client.get(CHANGELIST, {"q": "inv-88213"}).content.decode()
    # The words found, marked, under the row.
    assert "invoice <mark>INV</mark>-<mark>88213</mark>" in html
    assert 'class="queue-snippet"' in html


def test_internal_notes_requester_organization_tags_fields_and_files(
    agent_client, agent, make_ticket
):
    acme = Organization.objects.create(name="Acme Rockets")
    OrganizationDomain.objects.create(organization=acme, domain="acme.test")
    region = CustomField.objects.create(label="Region", key="region", kind="text")
    ticket = make_ticket(name="Grace Hopper", email="grace@acme.test", subject="Billing")
    make_ticket(subject="Unrelated")
    services.staff_update(ticket, actor=agent, reply="Escalated to Kowalski", internal=True)
    ticket.change_tags(add="chargeback")
    ticket.set_field_values({region: "ap-southeast-7"})
    upload = SimpleUploadedFile("quarterly-statement.pdf", b"%PDF-1.4 x", "application/pdf")
    stored = attachments.for_form("", [(upload, "pdf", "application/pdf")])
    services.customer_reply(ticket, "Here it is.", files=stored)
    for query in ["kowalski", "grace hopper", "rockets", "chargeback", "southeast", "quarterly"]:
        assert found(agent_client, query) == [ticket.reference], query
    html = agent_client.get(CHANGELIST, {"q": "kowalski"}).content.decode()
    assert "Internal note:" in html and "Escalated to <mark>Kowalski</mark>" in html


def test_an_email_body_is_searched(agent_client, make_ticket, django_capture_on_commit_callbacks):
    make_ticket(subject="Invite problems", description="Someone else's words.")
    deliver(fixture("apple_mail_new.eml"), django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get(email="katherine@example.org")
    assert found(agent_client, '"new team member"') == [ticket.reference]
    assert found(agent_client, "screenshot.png") == [ticket.reference]  # its attachment


def test_ranked_best_first_and_searches_every_status(agent_client, make_ticket):
    body_only = make_ticket(subject="Login", description="Something about refunds here.")
    in_subject = make_ticket(subject="Refunds for March", description="Please refund.")
    in_subject.transition("resolved")  # finished: still found by a search
    assert found(agent_client, "refunds") == [in_subject.reference, body_only.reference]
    # A status filter chosen narrows it again.
    assert found(agent_client, "refunds", status__exact="resolved") == [in_subject.reference]


def test_operators_and_exact_phrases(agent_client, agent, make_ticket):
    acme = Organization.objects.create(name="Acme")
    OrganizationDomain.objects.create(organization=acme, domain="acme.test")
    pending = make_ticket(email="ada@acme.test", description="The card was declined twice.")
    pending.transition("pending")
    pending.change_tags(add="billing")
    other = make_ticket(description="Twice the card was declined.")
    assert set(found(agent_client, '"card was declined"')) == {pending.reference, other.reference}
    assert set(found(agent_client, "declined card")) == {pending.reference, other.reference}
    assert found(agent_client, '"declined twice"') == [pending.reference]
    assert found(agent_client, "status:pending declined") == [pending.reference]
    assert found(agent_client, "tag:billing declined") == [pending.reference]
    assert found(agent_client, "org:acme") == [pending.reference]
    assert found(agent_client, "from:ada@acme.test") == [pending.reference]
    assert found(agent_client, "status:nonsense declined") == []
    # Saved views count what the search finds.
    view = queueviews.save_view(agent, name="Declined", query="q=tag%3Abilling+declined")
    assert {v.name: v.count for v in queueviews.views_for(agent)}[view.name] == 1


def test_the_index_follows_merges_and_is_rebuilt_whole(agent_client, agent, make_ticket):
    first = make_ticket(email="ada@example.com", description="Card declined.")
    second = make_ticket(email="ada@example.com", description="Zeppelin refused.")
    merge([first, second], actor=agent)
    assert first.reference in found(agent_client, "zeppelin")
    TicketSearchText.objects.all().delete()
    assert found(agent_client, "zeppelin") == []
    assert fulltext.reindex_all() == 2
    assert first.reference in found(agent_client, "zeppelin")


def test_queries_do_not_grow_with_the_results(
    agent_client, make_ticket, django_assert_max_num_queries
):
    for n in range(3):
        make_ticket(subject=f"Timeout {n}")
    agent_client.get(CHANGELIST, {"q": "timeout"})
    with django_assert_max_num_queries(30) as few:
        agent_client.get(CHANGELIST, {"q": "timeout"})
    for n in range(20):
        make_ticket(subject=f"Timeout again {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = agent_client.get(CHANGELIST, {"q": "timeout"}).content.decode()
    assert len(refs(html)) == 23


def page_query(client, query, **params):
    """The SQL that read the list's rows (the one ordering by rank)."""
    with CaptureQueriesContext(connection) as queries:
        client.get(CHANGELIST, {"q": query, **params})
    (sql,) = [q["sql"] for q in queries.captured_queries if "search_rank" in q["sql"]]
    return sql


def test_pages_of_a_search_follow_the_rank_then_the_queue_order(
    agent_client, make_ticket, monkeypatch
):
    """Pages within the ranked matches are read by their ids (admin.search.SearchRows):
    the same rows in the same order as ordering every match, across the ranked matches' end,
    and when the agent sorts by a column instead."""
    from django.contrib import admin

    tickets = [make_ticket(subject="Timeout " + "timeout " * (n % 3)) for n in range(7)]
    tickets[2].transition("resolved")
    everything = found(agent_client, "timeout")
    assert sorted(everything) == sorted(t.reference for t in tickets)
    monkeypatch.setattr(fulltext, "RANKED", 4)  # pages 1 and 2 ranked, 3 across, 4 after
    monkeypatch.setattr(admin.site.get_model_admin(Ticket), "list_per_page", 2)
    paged = [found(agent_client, "timeout", p=page) for page in (1, 2, 3, 4)]
    assert [len(rows) for rows in paged] == [2, 2, 2, 1]
    assert sorted(sum(paged, [])) == sorted(everything)
    # A ranked page is read by its ids, not cut from every match ordered (LIMIT/OFFSET).
    ranked_page = page_query(agent_client, "timeout", p=1)
    assert "LIMIT" not in ranked_page
    # ...without matching the search again (the ids were found within the list's filters).
    assert "MATCH" not in ranked_page and "@@" not in ranked_page
    assert "LIMIT" in page_query(agent_client, "timeout", p=4)
    # The same order as the list reads it whole (rank, then the queue's order).
    monkeypatch.setattr(admin.site.get_model_admin(Ticket), "list_per_page", 50)
    assert sum(paged, []) == found(agent_client, "timeout")
    # Sorted by a column: pages of that order, not of the rank.
    monkeypatch.setattr(admin.site.get_model_admin(Ticket), "list_per_page", 2)
    by_reference = [found(agent_client, "timeout", o="2", p=page) for page in (1, 2, 3, 4)]
    assert sum(by_reference, []) == sorted(everything)


def paginator(client, query, **params):
    """The list's count as the agent reads it, and the COUNT queries run for it."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(CHANGELIST, {"q": query, **params}).content.decode()
    sqls = [q["sql"] for q in queries.captured_queries]
    counts = [sql for sql in sqls if "COUNT(*)" in sql and "OVER ()" not in sql]
    return texts(html, "paginator")[0], texts(html, "queue-more"), counts, html


def test_a_search_counts_its_matches_up_to_a_limit(agent_client, make_ticket, monkeypatch):
    """The ranking counts the matches, up to fulltext.CANDIDATES, and the list runs no
    count of its own; more are written "2,000+", with a word on narrowing the search; the
    pages list that many, best first; "Select all" still acts on every match. As many as
    the limit, or fewer, are counted exactly, within the list's filters and operators."""
    from django.contrib import admin

    tickets = [make_ticket(subject=f"Timeout number {n}") for n in range(5)]
    make_ticket(subject="Other")
    tickets[4].transition("resolved")
    monkeypatch.setattr(fulltext, "CANDIDATES", 3)
    monkeypatch.setattr(admin.site.get_model_admin(Ticket), "list_per_page", 2)
    text, more, counts, html = paginator(agent_client, "timeout")
    assert "3+ tickets" in text and counts == []
    assert more[0].startswith("More than 3 tickets match: the best matches come first")
    assert "Select all 3+ tickets" in html
    pages = [found(agent_client, "timeout", p=page) for page in (1, 2)]
    assert [len(rows) for rows in pages] == [2, 1]
    # Every match, when the agent selects them all across the pages.
    response = agent_client.post(
        CHANGELIST + "?q=timeout",
        {"action": "add_tags", "tags": "counted", "select_across": "1", "index": "0",
         "_selected_action": [tickets[0].pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert Ticket.objects.filter(tags__name="counted").count() == 5
    # As many as the limit: exact, within the list's filters too.
    monkeypatch.setattr(fulltext, "CANDIDATES", 5)
    text, more, counts, html = paginator(agent_client, "timeout")
    assert " 5 tickets" in text and "5+" not in html and not more and counts == []
    text, _, _, _ = paginator(agent_client, "timeout", status__exact="resolved")
    assert " 1 ticket" in text and " 1 tickets" not in text
    assert " 4 tickets" in paginator(agent_client, "timeout status:new")[0]


@pytest.mark.parametrize(
    "query",
    ['"', '""', "status:", 'tag:"', "org:%", "from:_", "a" * 500, "NEAR(a b)", "x:y AND OR NOT",
     "* ^ - ( ) { } :", "\x00", "💥", "'; DROP TABLE x; --", '"proxy_read_timeout', "é_à"],
)  # fmt: skip
def test_hostile_queries_never_fail(agent_client, make_ticket, query):
    make_ticket(description="Something about * and ( parentheses.")
    assert agent_client.get(CHANGELIST, {"q": query}).status_code < 500
