"""The contact form: what a customer sees and what gets stored."""

import re
import time

import pytest
from django.core import mail

from tests.html import texts
from tests.tickets.links import PRIVATE_LINK, emailed_link, link_in
from tickets.forms import signed_start
from tickets.models import OutboundEmail, Ticket, TicketMessage

pytestmark = pytest.mark.django_db(transaction=False)


def test_form_has_every_field_of_the_escalation_checklist_with_hints(client, content):
    html = client.get("/support/").content.decode()
    for label in [
        "Your name",
        "Email",
        "Subject",
        "Category",
        "Exact error message",
        "Endpoint path",
        "Request ID",
        "How often does it happen?",
        "Plan",
        "Model name",
        "When did it happen?",
        "Time zone",
        "Description",
    ]:
        assert f">{label}" in html, label
    assert "lets us find your request in our logs" in html
    assert html.count("(required)") == 3  # email, subject, description


def test_a_ticket_is_stored_with_reference_and_confirmation(client, content, ticket_data):
    response = client.post("/support/", ticket_data())
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith("/support/sent/")
    assert emailed_link(ticket) not in response["Location"]
    assert ticket.reference == f"HC-{ticket.pk:06d}"
    assert ticket.reference not in emailed_link(ticket)
    assert ticket.status == "new" and ticket.waiting_since is not None
    assert ticket.request_id == "req_8f2a91" and ticket.category == "billing"
    # 09:30 in Berlin in November is 08:30 UTC.
    assert ticket.occurred_at.isoformat() == "2026-11-25T08:30:00+00:00"
    assert ticket.messages.get().body.startswith("Every request")

    page = client.get(response["Location"]).content.decode()
    assert ticket.reference in texts(page, "ticket-reference")[0]
    assert "What happens next" in page and "ada@example.com" in page
    # The private link goes to the address typed, never to whoever typed it.
    assert PRIVATE_LINK.search(page) is None


def test_the_confirmation_cannot_be_forged(client, content):
    from django.core import signing

    forged = signing.dumps(1, salt="something else")
    assert client.get(f"/support/sent/{forged}/").status_code == 404
    assert client.get("/support/sent/junk/").status_code == 404


def test_sending_the_same_form_twice_makes_one_ticket(client, content, ticket_data):
    first = client.post("/support/", ticket_data(intake="form-9"))
    again = client.post("/support/", ticket_data(intake="form-9"))
    assert Ticket.objects.count() == 1
    assert client.get(again["Location"]).content.decode().count(Ticket.objects.get().reference)
    assert first.status_code == again.status_code == 302


def test_confirmation_email_carries_the_private_link_and_support_is_notified(
    client, content, ticket_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/support/", ticket_data())
    ticket = Ticket.objects.get()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    customer = by_recipient["ada@example.com"]
    assert ticket.reference in customer.subject
    link = link_in(customer.body)
    assert f"http://127.0.0.1:8000{link}" in customer.body
    assert ticket.reference in client.get(link).content.decode()
    assert customer.reply_to == ["support@example.com"]  # the customer answers support
    staff = by_recipient["support@example.com"]
    assert "req_8f2a91" in staff.body and "/admin/tickets/ticket/" in staff.body
    # Everything the customer told us, so triage can start from the email.
    for line in [
        "Endpoint: /v1/chat/completions",
        "How often: Always",
        "Plan: Team",
        "Model: gpt-large",
        "When: 2026-11-25 08:30 UTC (customer's zone: Europe/Berlin)",
    ]:
        assert line in staff.body, line
    assert PRIVATE_LINK.search(staff.body) is None
    assert staff.reply_to == []  # not a loop back to the support address


def test_the_private_page_shows_the_details_sent(client, content, ticket_data):
    client.post("/support/", ticket_data())
    html = client.get(emailed_link(Ticket.objects.get())).content.decode()
    details = texts(html, "sent-details")[0]
    for text in ["Details you sent", "billing_required", "/v1/chat/completions", "req_8f2a91",
                 "Always", "Team", "gpt-large", "25 Nov 2026, 09:30 CET"]:  # fmt: skip
        assert text in details, text


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("email", "This field is required."),
        ("subject", "This field is required."),
        ("description", "This field is required."),
    ],
)
def test_missing_required_field_is_named_and_nothing_typed_is_lost(
    client, content, ticket_data, missing, message
):
    response = client.post("/support/", ticket_data(**{missing: ""}))
    html = response.content.decode()
    assert response.status_code == 200
    assert Ticket.objects.count() == 0
    assert texts(html, "field-error") == [message]
    assert 'aria-invalid="true"' in html
    for kept in ["Ada Lovelace", "req_8f2a91", "/v1/chat/completions", "Europe/Berlin"]:
        assert kept in html
    assert "Every request from our backend fails" in html or missing == "description"


def test_bad_values_get_clear_messages(client, content, ticket_data):
    html = client.post(
        "/support/",
        ticket_data(email="ada at example", occurred_tz="Mars/Olympus", subject="x" * 201),
    ).content.decode()
    errors = texts(html, "field-error")
    assert "Enter a valid email address." in errors
    assert any("don't know this time zone" in e for e in errors)
    assert any("at most 200 characters" in e for e in errors)
    assert "Mars/Olympus" in html


def test_a_time_in_the_future_is_refused(client, content, ticket_data):
    html = client.post(
        "/support/", ticket_data(occurred_at="2099-01-01T10:00", occurred_tz="UTC")
    ).content.decode()
    assert any("in the future" in e for e in texts(html, "field-error"))


def test_without_a_time_zone_a_local_now_anywhere_is_accepted(client, content, ticket_data):
    from django.utils import timezone

    tokyo_now = timezone.now() + timezone.timedelta(hours=9)
    response = client.post(
        "/support/",
        ticket_data(occurred_at=tokyo_now.strftime("%Y-%m-%dT%H:%M"), occurred_tz=""),
    )
    assert response.status_code == 302


def test_time_zone_names_are_matched_without_case(client, content, ticket_data):
    client.post("/support/", ticket_data(occurred_tz="europe/berlin"))
    assert Ticket.objects.get().occurred_tz == "Europe/Berlin"


def test_every_field_has_a_length_limit(client, content, ticket_data):
    response = client.post(
        "/support/",
        ticket_data(
            description="d" * 5001,
            error_message="e" * 2001,
            request_id="r" * 101,
            endpoint="/" * 301,
            name="n" * 101,
        ),
    )
    assert Ticket.objects.count() == 0
    assert len(texts(response.content.decode(), "field-error")) == 5


def test_from_a_runbook_prefills_category_and_records_ticked_checks(client, content, ticket_data):
    html = client.get("/support/?runbook=billing-required&checked=check-1,fix-2").content.decode()
    assert '<option value="billing" selected>' in html
    assert "Confirm current plan and billing status" in html  # ticked check is listed
    client.post(
        "/support/", ticket_data(runbook="billing-required", checked="check-1,fix-2", intake="")
    )
    ticket = Ticket.objects.get()
    assert ticket.runbook.slug == "billing-required"
    assert ticket.checks_done == [
        "Confirm current plan and billing status in Dashboard > Billing.",
        "Re-enable API/model access in settings if previously disabled.",
    ]


def test_unknown_runbook_and_junk_checks_are_ignored(client, content, ticket_data):
    assert client.get("/support/?runbook=nope&checked=x,,<b>").status_code == 200
    client.post("/support/", ticket_data(runbook="nope", checked="check-99,<script>"))
    ticket = Ticket.objects.get()
    assert ticket.runbook is None and ticket.checks_done == []


def test_from_a_search_records_the_query(client, content, ticket_data):
    html = client.get("/support/?q=stream+stops+early").content.decode()
    assert "You searched for “stream stops early”" in html
    assert 'value="stream stops early"' in html  # subject starts from the query
    # Suggestions are there without JavaScript.
    assert any("Streaming response fails" in t for t in texts(html, "suggestion"))
    client.post("/support/", ticket_data(q="stream stops early"))
    assert Ticket.objects.get().search_query == "stream stops early"


def test_honeypot_looks_like_success_but_stores_nothing(client, content, ticket_data):
    response = client.post("/support/", ticket_data(website="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert "We received your ticket" in response.content.decode()
    assert Ticket.objects.count() == 0 and OutboundEmail.objects.count() == 0


@pytest.mark.parametrize("started", [None, "forged", "now"])
def test_a_form_sent_too_fast_or_without_a_valid_start_is_shown_again(
    client, content, ticket_data, started
):
    value = {None: "", "forged": "1700000000", "now": signed_start(time.time())}[started]
    html = client.post("/support/", ticket_data(started=value)).content.decode()
    assert Ticket.objects.count() == 0
    assert "Please check your ticket, then send it again." in html
    assert "req_8f2a91" in html


def test_a_form_too_fast_and_with_errors_says_both_and_focuses_the_first_field(
    client, content, ticket_data
):
    html = client.post("/support/", ticket_data(started="", email="not-an-email")).content
    html = html.decode()
    assert "Please check your ticket, then send it again." in html
    assert 'id="form-errors"' in html  # the summary of what to fix is there too
    assert re.search(r'<input type="email"[^>]* autofocus', html)


def test_a_reply_with_an_error_puts_the_cursor_in_the_box(client, content, make_ticket):
    html = client.post(emailed_link(make_ticket()), {"body": ""}).content.decode()
    assert re.search(r"<textarea[^>]* autofocus", html)


def test_rate_limit_per_email_says_when_to_retry_and_keeps_the_text(
    client, content, ticket_data, settings
):
    settings.TICKET_RATE_LIMITS = {
        **settings.TICKET_RATE_LIMITS,
        "created_email": "2/h",
        "created_ip": "100/h",
    }
    for n in range(2):
        assert client.post("/support/", ticket_data(intake=f"form-{n}")).status_code == 302
    response = client.post(
        "/support/", ticket_data(description="Third try, still broken.", intake="form-3")
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Please wait" in html and "minute" in html
    assert "Third try, still broken." in html
    # The same address in other letters or spacing is the same address.
    again = client.post("/support/", ticket_data(email="  ADA@Example.com ", intake="form-4"))
    assert again.status_code == 429
    # Another address from the same place is still welcome.
    other = client.post("/support/", ticket_data(email="grace@example.com", intake="form-5"))
    assert other.status_code == 302
    assert Ticket.objects.count() == 3


def test_typing_mistakes_never_use_up_the_per_email_limit(client, content, ticket_data, settings):
    settings.TICKET_RATE_LIMITS = {
        **settings.TICKET_RATE_LIMITS,
        "created_email": "2/h",
        "created_ip": "100/h",
    }
    for _ in range(5):
        assert client.post("/support/", ticket_data(description="")).status_code == 200
    assert client.post("/support/", ticket_data()).status_code == 302


def test_the_per_ip_limit_uses_the_proxy_given_address_behind_a_proxy(
    client, content, ticket_data, settings
):
    settings.RATELIMIT_IP_META_KEY = "core.web.ip.client_ip"
    settings.TICKET_RATE_LIMITS = {
        **settings.TICKET_RATE_LIMITS,
        "created_ip": "2/h",
        "created_email": "100/h",
    }
    for n in range(2):
        client.post(
            "/support/", ticket_data(email=f"a{n}@example.com"),
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )  # fmt: skip
    # A forged left-most entry changes nothing: the proxy's own entry is the right-most.
    blocked = client.post(
        "/support/", ticket_data(email="a3@example.com"),
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
    )  # fmt: skip
    other = client.post(
        "/support/", ticket_data(email="b@example.com"), HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert (blocked.status_code, other.status_code) == (429, 302)


def test_rate_limit_per_ip(client, content, ticket_data, settings):
    settings.TICKET_RATE_LIMITS = {
        **settings.TICKET_RATE_LIMITS,
        "created_ip": "2/h",
        "created_email": "100/h",
    }
    for n in range(2):
        client.post("/support/", ticket_data(email=f"user{n}@example.com"))
    response = client.post("/support/", ticket_data(email="user9@example.com"))
    assert response.status_code == 429
    assert Ticket.objects.count() == 2


def test_the_form_needs_csrf(content, ticket_data):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    assert strict.post("/support/", ticket_data()).status_code == 403
    assert Ticket.objects.count() == 0


def test_references_are_unique_and_sequential(client, content, ticket_data):
    for n in range(3):
        client.post("/support/", ticket_data(email=f"u{n}@example.com"))
    refs = list(Ticket.objects.order_by("pk").values_list("reference", flat=True))
    assert len(set(refs)) == 3 and refs == sorted(refs)
    assert TicketMessage.objects.count() == 3


def test_an_open_incident_is_shown_on_the_form_and_kept_with_the_ticket(
    client, content, ticket_data
):
    from status.services import open_incident

    assert "Known issue" not in client.get("/support/").content.decode()
    open_incident(name="Elevated streaming errors", body="We are investigating.")
    html = client.get("/support/").content.decode()
    assert "Known issue right now" in html and "Elevated streaming errors" in html
    client.post("/support/", ticket_data())
    assert Ticket.objects.get().open_incidents == ["Elevated streaming errors"]


def test_fixing_mistakes_never_counts_as_sending_tickets(client, content, ticket_data, settings):
    """Before: the per-network limit counted every send, so a customer who fixed errors
    nine times was told they had sent several tickets, having sent none."""
    settings.TICKET_RATE_LIMITS = {**settings.TICKET_RATE_LIMITS, "created_ip": "2/h"}
    for _ in range(9):
        response = client.post("/support/", ticket_data(email="not an address"))
        assert response.status_code == 200
        assert "several tickets" not in response.content.decode()
    assert client.post("/support/", ticket_data()).status_code == 302


def test_the_limits_say_what_happened_and_another_way_to_reach_support(
    client, content, ticket_data, settings
):
    settings.TICKET_RATE_LIMITS = {**settings.TICKET_RATE_LIMITS, "created_ip": "1/h"}
    client.post("/support/", ticket_data(intake="one"))
    html = client.post("/support/", ticket_data(intake="two", email="b@example.com")).content
    assert "You have already sent several tickets in the last hour" in html.decode()
    assert "Email support@example.com" in html.decode()
    settings.TICKET_RATE_LIMITS = {**settings.TICKET_RATE_LIMITS, "attempts_ip": "3/h"}
    for _ in range(3):
        client.post("/support/", ticket_data(email="not an address"))
    response = client.post("/support/", ticket_data(email="not an address"))
    assert response.status_code == 429
    assert "sent very many times from your network" in response.content.decode()


def test_a_pasted_text_over_the_limit_is_refused_not_cut(client, content, ticket_data):
    """Before: the browser cut a 20,000-character paste at 5,000 (maxlength) silently."""
    page = client.get("/support/").content.decode()
    description = re.search(r"<textarea[^>]*name=\"description\"[^>]*>", page).group(0)
    assert "maxlength" not in description and 'data-limit="5000"' in description
    assert "Up to 5,000 characters." in page
    long_text = "log line " * 2500  # 22,499 characters once trimmed
    html = client.post("/support/", ticket_data(description=long_text)).content.decode()
    assert "This is 22,499 characters long; the limit is 5,000." in html
    assert long_text.strip() in html  # all of it, to shorten
    assert not Ticket.objects.exists()


def test_the_fill_time_does_not_restart_when_the_form_comes_back(client, content, ticket_data):
    data = ticket_data(email="")
    html = client.post("/support/", data).content.decode()
    started = data["started"]
    assert f'value="{started}"' in html  # the same start: the time spent still counts


def test_a_form_opened_too_long_ago_comes_back_with_a_new_start_and_everything_typed(
    client, content, ticket_data, settings
):
    """The signed start time is the anti-bot fill time: without a maximum age one start,
    taken once, would let a bot send forms for ever."""
    assert settings.TICKET_FORM_MAX_AGE_SECONDS == 24 * 3600
    settings.TICKET_MIN_FILL_SECONDS = 0
    old = signed_start(time.time() - 25 * 3600)
    data = ticket_data(started=old, description="Typed yesterday, sent today.")
    response = client.post("/support/", data)
    html = response.content.decode()
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "This form was opened more than 24 hours ago, so it was not sent." in html
    assert "Typed yesterday, sent today." in html and "req_8f2a91" in html
    fresh = re.search(r'name="started" value="([^"]+)"', html).group(1)
    assert fresh != old
    again = client.post("/support/", {**data, "started": fresh})
    assert again.status_code == 302 and Ticket.objects.count() == 1


def test_a_form_opened_a_few_hours_ago_is_sent(client, content, ticket_data):
    response = client.post("/support/", ticket_data(started=signed_start(time.time() - 5 * 3600)))
    assert response.status_code == 302
