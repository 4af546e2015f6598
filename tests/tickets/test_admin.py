"""The support queue in the Django admin, as an agent uses it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from tests.html import texts
from tests.tickets.links import emailed_link, link_in
from tickets import services
from tickets.models import Ticket

CHANGELIST = "/admin/tickets/ticket/"


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def _change_url(ticket):
    return f"{CHANGELIST}{ticket.pk}/change/"


def _row_refs(html):
    return [t.strip() for t in texts(html, "field-reference")]


def test_queue_lists_the_triage_columns(agent_client, make_ticket):
    make_ticket(name="Ada", email="ada@example.com", subject="Stream stops", category="api")
    html = agent_client.get(CHANGELIST).content.decode()
    headers = ["SLA", "Reference", "Subject", "Status", "Priority", "Assignee"]
    headers += ["Age", "Waiting"]
    positions = []
    for header in headers:
        found = re.search(rf">{header}(<|</a>)", html)
        assert found, header
        positions.append(found.start())
    # The SLA state is the first thing in a row; the category is a filter, not a column.
    assert positions == sorted(positions)
    assert not re.search(r"column-category", html)
    assert "Ada &lt;ada@example.com&gt;" in html
    assert "On track" in html


def _waiting_for(ticket, delta):
    """The ticket as if sent `delta` ago (its SLA due times follow)."""
    ticket.refresh_from_db()
    ticket.created_at = ticket.waiting_since = timezone.now() - delta
    ticket.recompute_sla()
    ticket.save()
    return ticket


@pytest.fixture
def round_the_clock(settings):
    settings.TICKET_BUSINESS_HOURS = None


def test_default_order_is_first_due_first(agent_client, make_ticket, round_the_clock):
    """A Normal ticket breaching now comes before a fresh Urgent one."""
    old_normal = _waiting_for(make_ticket(subject="old normal"), timedelta(days=2))
    new_urgent = _waiting_for(make_ticket(subject="new urgent", priority=4), timedelta(minutes=5))
    old_urgent = _waiting_for(make_ticket(subject="old urgent", priority=4), timedelta(hours=5))
    pending = make_ticket(subject="pending", priority=4)
    pending.transition("pending")
    resolved = make_ticket(subject="resolved")
    resolved.transition("resolved")
    html = agent_client.get(CHANGELIST).content.decode()
    expected = [t.reference for t in (old_normal, old_urgent, new_urgent, pending)]
    assert _row_refs(html) == expected  # the default view: unfinished tickets only
    html = agent_client.get(CHANGELIST + "?status__exact=resolved").content.decode()
    assert _row_refs(html) == [resolved.reference]


def test_sla_state_shows_breaches(agent_client, make_ticket, round_the_clock):
    _waiting_for(make_ticket(priority=4), timedelta(hours=2))
    html = agent_client.get(CHANGELIST).content.decode()
    assert "Breached" in texts(html, "field-sla")[0]


def test_filters_mine_unassigned_and_search(agent_client, agent, make_ticket):
    mine = make_ticket(assignee=agent)
    unassigned = make_ticket(request_id="req_zz9", name="Grace Hopper")
    html = agent_client.get(CHANGELIST + "?assigned=mine").content.decode()
    assert _row_refs(html) == [mine.reference]
    html = agent_client.get(CHANGELIST + "?assigned=unassigned").content.decode()
    assert _row_refs(html) == [unassigned.reference]
    for query in ["req_zz9", unassigned.reference, unassigned.email, "grace hopper"]:
        html = agent_client.get(CHANGELIST, {"q": query}).content.decode()
        assert _row_refs(html) == [unassigned.reference], query


def test_bulk_assign_priority_and_status_are_logged(agent_client, agent, make_ticket):
    a, b = make_ticket(), make_ticket()
    post = {"_selected_action": [a.pk, b.pk], "index": 0}
    agent_client.post(CHANGELIST, {**post, "action": "assign_to_me"})
    agent_client.post(CHANGELIST, {**post, "action": "set_priority", "priority": "3"})
    agent_client.post(CHANGELIST, {**post, "action": "set_status", "status": "pending"})
    for ticket in (a, b):
        ticket.refresh_from_db()
        assert ticket.assignee == agent and ticket.priority == 3 and ticket.status == "pending"
        changes = [(e.field, e.old_value, e.new_value, e.actor) for e in ticket.events.all()]
        assert changes == [
            ("assignee", "", "agent", agent),
            ("status", "New", "Open", agent),
            ("priority", "Normal", "High", agent),
            ("status", "Open", "Pending customer", agent),
        ]


def test_bulk_assign_to_someone_else(agent_client, make_ticket):
    other = get_user_model().objects.create_user("bo", is_staff=True)
    other.groups.add(Group.objects.get(name="Support agents"))
    ticket = make_ticket()
    agent_client.post(
        CHANGELIST,
        {
            "_selected_action": [ticket.pk],
            "index": 0,
            "action": "assign_to_chosen",
            "assignee": other.pk,
        },
    )
    ticket.refresh_from_db()
    assert ticket.assignee == other


def test_bulk_action_without_a_value_says_what_is_missing(agent_client, make_ticket):
    ticket = make_ticket()
    response = agent_client.post(
        CHANGELIST,
        {"_selected_action": [ticket.pk], "index": 0, "action": "set_priority"},
        follow=True,
    )
    assert "Choose a priority beside the action." in response.content.decode()


def test_merge_duplicates_into_the_oldest(agent_client, make_ticket):
    first = make_ticket(email="ada@example.com", description="First words.")
    dup = make_ticket(email="ada@example.com", description="Second words.", priority=4)
    merge = {"_selected_action": [first.pk, dup.pk], "index": 0, "action": "merge"}
    asked = agent_client.post(CHANGELIST, merge).content.decode()
    assert "Which ticket is kept?" in asked and not Ticket.objects.filter(status="closed")
    agent_client.post(CHANGELIST, {**merge, "confirm": "yes", "keep": first.pk})
    first.refresh_from_db()
    dup.refresh_from_db()
    assert dup.status == "closed" and dup.merged_into == first
    assert first.priority == 4
    bodies = list(first.messages.values_list("body", flat=True))
    assert bodies[:2] == ["First words.", "Second words."]
    assert f"Merged {dup.reference}" in bodies[-1]


def test_ticket_page_shows_fields_conversation_and_reply_box(agent_client, make_ticket):
    ticket = make_ticket(
        request_id="req_123", error_message="model_not_available", description="Help me."
    )
    html = agent_client.get(_change_url(ticket)).content.decode()
    for text in [
        "req_123",
        "model_not_available",
        "Help me.",
        "Reply to customer",
        "Internal note",
    ]:
        assert text in html


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("America/New_York", "2026-11-04 09:12 America/New_York (2026-11-04 14:12 UTC)"),
        ("UTC", "2026-11-04 14:12 UTC"),
        ("", "2026-11-04 14:12 UTC"),
    ],
)
def test_ticket_page_shows_when_it_happened_in_both_zones_once(
    agent_client, make_ticket, zone, shown
):
    occurred = datetime(2026, 11, 4, 14, 12, tzinfo=UTC)
    ticket = make_ticket(occurred_at=occurred, occurred_tz=zone)
    html = agent_client.get(_change_url(ticket)).content.decode()
    assert shown in html
    assert html.count("2026-11-04 14:12") == 1


def _save(agent_client, ticket, **fields):
    data = {
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id or "",
        "category": ticket.category,
        "reply_kind": "public",
        "reply": "",
        "seen_version": Ticket.objects.get(pk=ticket.pk).updated_at.isoformat(),
        **fields,
    }
    response = agent_client.post(_change_url(ticket), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    return ticket


def test_public_reply_is_emailed_and_records_first_response(
    agent_client, agent, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket(email="ada@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _save(agent_client, ticket, reply="Please send the request ID.")
    assert ticket.status == "pending" and ticket.first_response_at is not None
    assert ticket.waiting_since is None
    [email] = mail.outbox
    assert email.to == ["ada@example.com"] and "Please send the request ID." in email.body
    assert ticket.subject in agent_client.get(link_in(email.body)).content.decode()


def test_internal_note_is_never_emailed(
    agent_client, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _save(agent_client, ticket, reply="Looks like quota.", reply_kind="internal")
    assert mail.outbox == []
    assert ticket.first_response_at is None and ticket.status == "new"
    assert ticket.messages.last().is_internal


def test_status_changes_record_who_when_and_resolution_time(agent_client, agent, make_ticket):
    ticket = make_ticket()
    _save(agent_client, ticket, status="resolved", priority=3)
    assert ticket.resolved_at is not None
    events = {e.field: (e.old_value, e.new_value, e.actor) for e in ticket.events.all()}
    assert events["status"] == ("New", "Resolved", agent)
    assert events["priority"] == ("Normal", "High", agent)
    html = agent_client.get(_change_url(ticket)).content.decode()
    assert "after opening" in html  # resolution time shown


def test_agents_cannot_delete_tickets_or_touch_content(agent_client, make_ticket):
    ticket = make_ticket()
    assert agent_client.get(f"{CHANGELIST}{ticket.pk}/delete/").status_code == 403
    assert agent_client.get("/admin/kb/guide/").status_code == 403
    assert agent_client.get("/admin/runbooks/runbook/add/").status_code == 403
    assert agent_client.get("/admin/kb/faqentry/").status_code == 403


def test_editors_manage_content_but_never_see_tickets(client, editor, make_ticket):
    ticket = make_ticket()
    client.force_login(editor)
    assert client.get("/admin/kb/guide/add/").status_code == 200
    assert client.get("/admin/runbooks/runbook/").status_code == 200
    assert client.get("/admin/kb/faqentry/add/").status_code == 200
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(_change_url(ticket)).status_code == 403
    assert client.get("/admin/tickets/outboundemail/").status_code == 403


def test_groups_come_from_a_migration(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Support agents", "Content editors"} <= names
    agents = Group.objects.get(name="Support agents")
    codenames = set(agents.permissions.values_list("codename", flat=True))
    assert "change_ticket" in codenames and "delete_ticket" not in codenames


def test_failed_emails_are_visible_and_can_be_retried(agent_client, make_ticket, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.tickets.broken_mailer.EmailBackend"}}
    ticket = make_ticket()
    from tickets import emails

    for email in ticket.emails.all():
        emails.deliver(email.pk)
    html = agent_client.get("/admin/tickets/outboundemail/?state__exact=failed").content.decode()
    assert "Connection refused" in html
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    ids = list(ticket.emails.values_list("pk", flat=True))
    agent_client.post(
        "/admin/tickets/outboundemail/",
        {"_selected_action": ids, "index": 0, "action": "retry_now"},
    )
    assert set(ticket.emails.values_list("state", flat=True)) == {"sent"}


def test_resolving_without_a_reply_still_tells_the_customer(
    agent_client, make_ticket, django_capture_on_commit_callbacks
):
    one, two = make_ticket(email="one@example.com"), make_ticket(email="two@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _save(agent_client, one, status="resolved")
        agent_client.post(
            CHANGELIST,
            {
                "_selected_action": [two.pk],
                "index": 0,
                "action": "set_status",
                "status": "resolved",
            },
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.com", "two@example.com"]
    assert all("Resolved" in m.subject and "opens again" in m.body for m in mail.outbox)


def test_editors_manage_platform_status_and_agents_do_not(client, editor, agent):
    client.force_login(editor)
    assert client.get("/admin/status/component/").status_code == 200
    assert client.get("/admin/status/incident/add/").status_code == 200
    client.force_login(agent)
    assert client.get("/admin/status/component/").status_code == 403


def test_a_stale_ticket_page_cannot_undo_a_customer_reply(agent_client, make_ticket):
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status="resolved")
    page = agent_client.get(_change_url(ticket)).content.decode()
    seen = re.search(r'name="seen_version" value="([^"]+)"', page).group(1)
    services.customer_reply(Ticket.objects.get(pk=ticket.pk), "Still broken!")
    response = agent_client.post(
        _change_url(ticket),
        {"status": "resolved", "priority": 2, "assignee": "", "category": ticket.category,
         "reply_kind": "internal", "reply": "Closing this.", "seen_version": seen},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "changed while you had it open" in html
    assert "Closing this." in html  # the agent's text is kept
    assert "Still broken!" in html  # and the page shows what changed
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.waiting_since is not None

    # The form comes back showing the ticket as it is now; saved again as it came back, the
    # note goes through and the customer's reopening stays.
    assert _selected(html, "status") == "open"
    again = re.search(r'name="seen_version" value="([^"]+)"', html).group(1)
    response = agent_client.post(
        _change_url(ticket),
        {**{name: _selected(html, name) for name in ["status", "priority", "assignee", "category"]},
         "reply_kind": "internal", "reply": "Closing this.", "seen_version": again},
    )  # fmt: skip
    assert response.status_code == 302
    assert ticket.messages.filter(body="Closing this.", is_internal=True).exists()
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.waiting_since is not None


def _selected(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    match = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return match.group(1) if match else ""


def test_reopening_restarts_the_sla_clock(agent_client, make_ticket):
    ticket = make_ticket()
    _save(agent_client, ticket, status="pending")
    assert ticket.waiting_since is None and ticket.sla_state() == "paused"
    _save(agent_client, ticket, status="open")
    assert ticket.waiting_since is not None and ticket.sla_due_at is not None


def test_merge_keeps_the_waiting_question_in_the_queue(agent_client, make_ticket):
    first = make_ticket(email="ada@example.com")
    first.transition("resolved")
    dup = make_ticket(email="ada@example.com", description="Any news?")
    long_ago = timezone.now() - timedelta(days=3)
    Ticket.objects.filter(pk=dup.pk).update(waiting_since=long_ago)
    agent_client.post(
        CHANGELIST + "?status__exact=all",  # the resolved ticket is in the list
        {
            "_selected_action": [first.pk, dup.pk],
            "index": 0,
            "action": "merge",
            "confirm": "yes",
            "keep": first.pk,
        },
    )
    first.refresh_from_db()
    assert first.status == "open" and first.waiting_since == long_ago
    assert first.events.filter(field="status", new_value="Open").exists()


def test_merge_never_reopens_a_ticket_pending_customer(agent_client, make_ticket):
    """Issue 25 item 9: support asked the customer something on the ticket kept; a
    duplicate waiting on support does not answer it."""
    first = make_ticket(email="ada@example.com")
    first.transition("pending")
    dup = make_ticket(email="ada@example.com", description="Any news?")
    response = agent_client.post(
        CHANGELIST,
        {
            "_selected_action": [first.pk, dup.pk],
            "index": 0,
            "action": "merge",
            "confirm": "yes",
            "keep": first.pk,
        },
        follow=True,
    )
    first.refresh_from_db()
    assert first.status == "pending" and first.waiting_since is None
    assert first.sla_state() == "paused"
    assert not first.events.filter(field="status", new_value="Open").exists()
    assert first.messages.filter(body="Any news?").exists()  # the question is there to read
    assert f"{first.reference} stays Pending customer." in response.content.decode()


def test_merging_different_requesters_is_refused(agent_client, make_ticket):
    ada, eve = make_ticket(email="ada@example.com"), make_ticket(email="eve@example.com")
    response = agent_client.post(
        CHANGELIST, {"_selected_action": [ada.pk, eve.pk], "index": 0, "action": "merge"}
    )
    assert "Only tickets from the same requester can be merged." in response.content.decode()
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()


def test_outbound_emails_are_listed_by_what_they_are(agent_client, make_ticket):
    make_ticket()
    html = agent_client.get("/admin/tickets/outboundemail/").content.decode()
    assert "Ticket received (to the customer)" in html
    assert "New ticket (to support)" in html


def test_staff_never_see_a_customers_private_link_in_stored_emails(agent_client, make_ticket):
    ticket = make_ticket()
    email = ticket.emails.get(kind="ticket_received")
    page = f"/admin/tickets/outboundemail/{email.pk}/change/"
    pending = agent_client.get(page).content.decode()  # not sent yet
    link = emailed_link(ticket)
    sent = agent_client.get(page).content.decode()
    for html in (pending, sent):
        assert link not in html and "[private link 1]" in html


def test_only_people_who_can_work_tickets_are_assignable(agent_client, agent, editor, make_ticket):
    make_ticket()  # the action bar shows with at least one ticket
    html = agent_client.get(CHANGELIST).content.decode()
    options = re.findall(r'<option value="\d+">([^<]+)</option>', html)
    assert "agent" in options and "editor" not in options
