"""The ticket list as a CSV file: what a support lead downloads from the queue."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from core.csvstream import safe_cell
from tickets.models import CustomField, FieldKind, TicketStatus

QUEUE = "/admin/tickets/ticket/"
EXPORT = QUEUE + "export.csv"
pytestmark = pytest.mark.django_db


def read(response):
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read the names as typed
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def fields(db):
    return [
        CustomField.objects.create(
            label="Root cause", key="root-cause", kind=FieldKind.DROPDOWN, choices="Bug\nConfig"
        ),
        CustomField.objects.create(label="Refund", key="refund", kind=FieldKind.CHECKBOX),
        CustomField.objects.create(label="Old", key="old", active=False),
    ]


def test_the_queue_links_to_an_export_of_what_it_shows(client, lead, make_ticket):
    make_ticket()
    client.force_login(lead)
    body = client.get(QUEUE, {"status__exact": "all", "q": "Problem"}).content.decode()
    assert f'href="{EXPORT}?status__exact=all&amp;q=Problem"' in body


def test_agents_see_no_export_link_and_are_refused(client, agent, make_ticket):
    make_ticket()
    client.force_login(agent)
    assert "Export CSV" not in client.get(QUEUE).content.decode()
    assert client.get(EXPORT).status_code == 403


def test_the_export_has_the_lists_filters_and_every_page(client, lead, make_ticket, admin_user):
    made = [make_ticket() for _ in range(55)]  # more than a page of the list (50)
    made[0].transition(TicketStatus.RESOLVED, by=admin_user)
    client.force_login(lead)
    rows = read(client.get(EXPORT))  # the list's default: unfinished tickets
    assert len(rows) == 54
    assert made[0].reference not in {r["Reference"] for r in rows}
    rows = read(client.get(EXPORT, {"status__exact": "resolved"}))
    assert [r["Reference"] for r in rows] == [made[0].reference]
    assert rows[0]["Status"] == "Resolved"
    rows = read(client.get(EXPORT, {"status__exact": "all", "q": made[7].reference}))
    assert [r["Reference"] for r in rows] == [made[7].reference]


def test_a_search_that_finds_nothing_exports_no_rows(client, lead, make_ticket):
    """PostgreSQL refused the ranking's `ORDER BY NULL` of a search with no match (a 500)."""
    make_ticket(subject="Streaming stops")
    client.force_login(lead)
    assert read(client.get(EXPORT, {"status__exact": "all", "q": "zzqxv"})) == []


def test_custom_fields_are_columns(client, lead, make_ticket, fields):
    ticket = make_ticket()
    ticket.set_field_values({fields[0]: "Bug", fields[1]: "true"})
    make_ticket()
    client.force_login(lead)
    rows = read(client.get(EXPORT))
    assert "Old" not in rows[0]  # inactive fields are hidden everywhere
    by_reference = {r["Reference"]: r for r in rows}
    assert by_reference[ticket.reference]["Root cause"] == "Bug"
    assert by_reference[ticket.reference]["Refund"] == "yes"
    others = [r for ref, r in by_reference.items() if ref != ticket.reference]
    assert others[0]["Root cause"] == "" and others[0]["Refund"] == "no"


def test_a_subject_written_as_a_formula_stays_text(client, lead, make_ticket):
    make_ticket(subject='=HYPERLINK("http://evil.example","click")', name="+cmd|' /C calc'!A0")
    client.force_login(lead)
    row = read(client.get(EXPORT))[0]
    assert row["Subject"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["Requester name"] == "'+cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=b", "a=b"),
        (3, 3),
        (None, ""),
        (True, "yes"),
    ],
)
def test_cells_that_could_start_a_formula_get_an_apostrophe(value, cell):
    assert safe_cell(value) == cell


def test_each_export_is_logged_with_who_and_what(client, lead, make_ticket, caplog):
    make_ticket()
    client.force_login(lead)
    with caplog.at_level("INFO", logger="core.csvstream"):
        read(client.get(EXPORT, {"status__exact": "all"}))
    assert "CSV export by lead" in caplog.text
    assert "ticket list ?status__exact=all" in caplog.text


def test_the_export_reads_in_batches_not_per_ticket(
    client, lead, make_ticket, fields, django_assert_max_num_queries
):
    for _ in range(30):
        make_ticket().change_tags(add="a b")
    client.force_login(lead)
    with django_assert_max_num_queries(20):
        response = client.get(EXPORT)
        assert len(read(response)) == 30


def test_filters_the_list_refuses_are_refused_here_too(client, lead):
    client.force_login(lead)
    assert client.get(EXPORT, {"reply_token__startswith": "a"}).status_code == 400
    response = client.get(EXPORT, {"created_at__date__gte": "not a date"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_only_get(client, lead):
    client.force_login(lead)
    assert client.post(EXPORT).status_code == 405
