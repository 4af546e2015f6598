"""Tickets through the API: the same service layer as the admin (workflow, audit trail,
emails), filters and a cursor that stays put while tickets arrive, idempotent POSTs."""

import pytest

from tickets.models import AgentGroup, Channel, Ticket, TicketStatus

pytestmark = pytest.mark.django_db

NEW = {
    "email": "ada@example.com",
    "name": "Ada",
    "subject": "Invoice is wrong",
    "description": "Twelve seats; we have nine.",
    "category": "billing",
    "priority": "high",
    "tags": ["invoice", "VIP"],
}


def _refs(answer):
    return [t["reference"] for t in answer.json()["data"]]


def test_pages_follow_the_cursor_and_new_tickets_never_shift_them(agent_api, make_ticket):
    made = [make_ticket().reference for _ in range(5)]
    first = agent_api.get("/api/v1/tickets/", {"limit": 2})
    assert first.json()["has_more"] and _refs(first) == [made[4], made[3]]
    make_ticket()
    make_ticket()  # arrive while the client pages through
    cursor = first.json()["next_cursor"]
    second = agent_api.get("/api/v1/tickets/", {"limit": 2, "cursor": cursor})
    third = agent_api.get("/api/v1/tickets/", {"limit": 2, "cursor": second.json()["next_cursor"]})
    assert _refs(second) == [made[2], made[1]] and _refs(third) == [made[0]]
    assert third.json() | {"data": []} == {"data": [], "has_more": False, "next_cursor": None}


def test_filters(agent_api, make_ticket, agent):
    urgent = make_ticket(priority=4, email="Grace@Example.com")
    make_ticket()
    agent_api.patch(f"/api/v1/tickets/{urgent.pk}", {"assignee": "agent", "add_tags": ["vip"]})
    for params in (
        {"priority": "urgent"},
        {"assignee": "agent"},
        {"tag": "vip"},
        {"email": "grace@example.com"},
        {"status": "open"},
    ):
        assert _refs(agent_api.get("/api/v1/tickets/", params)) == [urgent.reference], params
    assert urgent.reference not in _refs(agent_api.get("/api/v1/tickets/", {"assignee": "none"}))


def test_opening_a_ticket_for_a_customer(agent_api, agent):
    answer = agent_api.post("/api/v1/tickets/", NEW)
    assert answer.status_code == 201
    body = answer.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.channel == Channel.API == body["channel"]
    assert body["priority"] == "high" and body["tags"] == ["invoice", "vip"]
    assert body["messages"][0]["body"] == NEW["description"]
    assert ticket.emails.filter(kind="ticket_received", to="ada@example.com").exists()
    quiet = agent_api.post("/api/v1/tickets/", {**NEW, "notify_customer": False}).json()
    assert not Ticket.objects.get(pk=quiet["id"]).emails.filter(kind="ticket_received").exists()


def test_the_same_idempotency_key_opens_one_ticket(agent_api):
    key = {"HTTP_IDEMPOTENCY_KEY": "crm-case-1"}
    first = agent_api.post("/api/v1/tickets/", NEW, **key)
    again = agent_api.post("/api/v1/tickets/", NEW, **key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    other = agent_api.post("/api/v1/tickets/", {**NEW, "subject": "Another"}, **key)
    assert other.status_code == 422 and other.json()["type"].endswith("idempotency-key-reused")
    assert agent_api.post("/api/v1/tickets/", NEW, HTTP_IDEMPOTENCY_KEY="2").status_code == 201
    assert Ticket.objects.count() == 2


def test_a_rejected_request_is_replayed_as_rejected(agent_api):
    key = {"HTTP_IDEMPOTENCY_KEY": "k"}
    assert agent_api.post("/api/v1/tickets/", {"email": "x"}, **key).status_code == 422
    assert agent_api.post("/api/v1/tickets/", {"email": "x"}, **key).status_code == 422
    assert not Ticket.objects.exists()


def test_status_moves_through_the_workflow_and_an_illegal_one_is_a_409(agent_api, make_ticket):
    ticket = make_ticket()
    answer = agent_api.patch(f"/api/v1/tickets/{ticket.reference}", {"status": "resolved"})
    assert answer.status_code == 200 and answer.json()["allowed_statuses"] == ["open", "closed"]
    agent_api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "closed"})
    refused = agent_api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "open"})
    assert refused.status_code == 409
    assert refused.json()["allowed"] == [] and "stays closed" in refused.json()["detail"]
    events = list(ticket.events.filter(field="status").values_list("new_value", "actor__username"))
    assert events == [("Resolved", "agent"), ("Closed", "agent")]


def test_triage_assignee_group_and_tags(agent_api, make_ticket, agent, lead):
    ticket = make_ticket()
    group = AgentGroup.objects.create(name="Billing")
    group.members.add(agent)
    answer = agent_api.patch(
        f"/api/v1/tickets/{ticket.pk}",
        {
            "priority": "urgent",
            "category": "api",
            "group": "Billing",
            "assignee": "agent",
            "add_tags": ["a", "b"],
        },
    )
    body = answer.json()
    assert (body["priority"], body["category"], body["group"]) == ("urgent", "api", "Billing")
    assert body["assignee"]["username"] == "agent" and body["tags"] == ["a", "b"]
    assert body["status"] == "open"  # assigning a new ticket opens it, as in the admin
    outside = agent_api.patch(f"/api/v1/tickets/{ticket.pk}", {"assignee": "lead"})
    assert outside.status_code == 422
    nobody = agent_api.patch(f"/api/v1/tickets/{ticket.pk}", {"assignee": "nobody"})
    assert nobody.status_code == 422
    body = agent_api.patch(
        f"/api/v1/tickets/{ticket.pk}", {"remove_tags": ["a"], "assignee": ""}
    ).json()
    assert body["tags"] == ["b"] and body["assignee"] is None


def test_a_reply_is_emailed_and_a_note_is_not(agent_api, make_ticket):
    ticket = make_ticket(email="bob@example.com")
    path = f"/api/v1/tickets/{ticket.pk}/messages"
    note = agent_api.post(path, {"body": "Called him.", "internal": True})
    assert note.status_code == 201 and note.json()["internal"] is True
    assert not ticket.emails.filter(kind="staff_reply").exists()
    reply = agent_api.post(path, {"body": "Fixed it."})
    assert reply.json()["author_kind"] == "staff" and reply.json()["author"] == "agent"
    assert "Fixed it." in ticket.emails.get(kind="staff_reply", to="bob@example.com").body
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING
    detail = agent_api.get(f"/api/v1/tickets/{ticket.pk}").json()
    assert [m["internal"] for m in detail["messages"]] == [False, True, False]


def test_reading_a_list_costs_a_fixed_number_of_queries(
    agent_api, make_ticket, django_assert_max_num_queries
):
    for _ in range(30):
        make_ticket()
    with django_assert_max_num_queries(8):
        assert len(agent_api.get("/api/v1/tickets/", {"limit": 30}).json()["data"]) == 30
