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


def test_custom_fields_are_read_and_set_as_the_ticket_page_checks_them(agent_api, make_ticket):
    from tickets.models import CustomField

    CustomField.objects.create(label="Region", key="region", kind="dropdown", choices="EU\nUS")
    CustomField.objects.create(label="Seats", key="seats", kind="number")
    CustomField.objects.create(label="Renewal", key="renewal", kind="date")
    CustomField.objects.create(label="Enterprise", key="enterprise", kind="checkbox")
    CustomField.objects.create(
        label="Root cause", key="root-cause", kind="text", required_to_resolve=True
    )
    ticket = make_ticket()
    url = f"/api/v1/tickets/{ticket.reference}"
    assert agent_api.get(url).json()["fields"] == {}

    fields = {"region": "EU", "seats": 12, "renewal": "2027-01-31", "enterprise": True}
    answer = agent_api.patch(url, {"fields": fields})
    assert answer.status_code == 200, answer.content
    assert answer.json()["fields"] == {
        "region": "EU",
        "seats": "12",
        "renewal": "2027-01-31",
        "enterprise": "true",
    }
    assert ticket.field_values_by_key()["seats"] == "12"
    assert ticket.events.filter(field="Seats", new_value="12").exists()  # the audit trail
    listed = agent_api.get("/api/v1/tickets/").json()["data"][0]
    assert listed["fields"]["region"] == "EU"

    # Refused with the reason, nothing changed.
    for bad, why in [
        ({"region": "Mars"}, "Choose one of the choices of Region"),
        ({"seats": "many"}, "seats"),
        ({"nope": "x"}, "No custom field has the key nope"),
    ]:
        refused = agent_api.patch(url, {"fields": bad})
        assert refused.status_code == 422 and why in refused.json()["detail"], bad
    assert ticket.field_values_by_key()["region"] == "EU"

    # A field required to resolve: resolving without it is a 409; given in the same change, fine.
    blocked = agent_api.patch(url, {"status": "resolved"})
    assert blocked.status_code == 409 and "Root cause" in blocked.json()["detail"]
    done = agent_api.patch(url, {"status": "resolved", "fields": {"root-cause": "Proxy"}})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    cleared = agent_api.patch(url, {"fields": {"enterprise": None, "seats": ""}})
    assert set(cleared.json()["fields"]) == {"region", "renewal", "root-cause"}


def test_a_ticket_merges_into_another_of_its_requester(
    agent_api, make_ticket, mailoutbox, django_capture_on_commit_callbacks
):
    kept = make_ticket(email="ada@example.com", subject="Invoice wrong")
    dup = make_ticket(email="ada@example.com", subject="Invoice wrong (again)")
    other = make_ticket(email="bo@example.com")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answer = agent_api.post(
            f"/api/v1/tickets/{dup.pk}/merge", {"into": kept.reference, "notify_customer": True}
        )
    assert answer.status_code == 200, answer.content
    assert answer.json()["reference"] == kept.reference
    bodies = [m["body"] for m in answer.json()["messages"]]
    assert any(dup.description in body for body in bodies)  # the conversation moved over
    dup.refresh_from_db()
    assert dup.status == TicketStatus.CLOSED and dup.merged_into_id == kept.pk
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]  # told where it continues
    assert kept.reference in mailoutbox[0].body

    other_customer = agent_api.post(f"/api/v1/tickets/{other.pk}/merge", {"into": str(kept.pk)})
    assert other_customer.status_code == 409
    assert (
        agent_api.post(f"/api/v1/tickets/{kept.pk}/merge", {"into": str(kept.pk)}).status_code
        == 422
    )
    missing = agent_api.post(f"/api/v1/tickets/{kept.pk}/merge", {"into": "HC-999999"})
    assert missing.status_code == 404
    other.refresh_from_db()
    assert other.merged_into_id is None and other.status != TicketStatus.CLOSED


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_files_go_up_with_a_note_and_come_back_as_downloads(agent, make_ticket, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from api.models import ApiToken

    _, raw = ApiToken.objects.issue(
        user=agent, name="files", scopes=["tickets:read", "tickets:write"]
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    ticket = make_ticket()

    def send(*files, **fields):
        data = {"body": "Logs attached.", "internal": "true", **fields, "file": list(files)}
        return client.post(f"/api/v1/tickets/{ticket.pk}/files", data, **auth)

    sent = send(
        SimpleUploadedFile("../../etc/screen.png", PNG),
        SimpleUploadedFile("proxy.log", b"upstream timed out (110)\n"),
    )
    assert sent.status_code == 201, sent.content
    message = sent.json()
    assert message["internal"] and message["body"] == "Logs attached."
    names = {a["name"]: a for a in message["attachments"]}
    assert set(names) == {"screen.png", "proxy.log"}  # no path from the sender's name
    assert names["screen.png"]["content_type"] == "image/png"

    download = client.get(names["proxy.log"]["url"].replace("http://testserver", ""), **auth)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"upstream timed out (110)\n"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    detail = client.get(f"/api/v1/tickets/{ticket.pk}", **auth).json()
    assert {a["name"] for m in detail["messages"] for a in m["attachments"]} == set(names)

    # Refused whole, with the reason: an executable, a file over the limit, no room left.
    exe = send(SimpleUploadedFile("setup.exe", b"MZ\x90\x00" + b"\x00" * 20))
    assert exe.status_code == 422 and "not a kind of file we take" in exe.json()["detail"]
    settings.TICKET_ATTACHMENT_MAX_BYTES = 10
    big = send(SimpleUploadedFile("big.txt", b"x" * 11))
    assert big.status_code == 422 and "big.txt is 11" in big.json()["detail"]
    settings.TICKET_ATTACHMENT_MAX_BYTES = 10_000
    settings.TICKET_ATTACHMENTS_MAX_BYTES = 100
    full = send(SimpleUploadedFile("more.txt", b"y" * 50))
    assert full.status_code == 422 and "room" in full.json()["detail"]
    assert ticket.messages.count() == 1 + 1  # the description's, and the one note kept
    assert ticket.files.count() == 2

    # Another ticket's file, or none, is a 404; reading needs tickets:read.
    other = make_ticket()
    file_id = names["proxy.log"]["id"]
    assert (
        client.get(f"/api/v1/tickets/{other.pk}/attachments/{file_id}", **auth).status_code == 404
    )
    _, writer = ApiToken.objects.issue(user=agent, name="w", scopes=["tickets:write"])
    url = f"/api/v1/tickets/{ticket.pk}/attachments/{file_id}"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {writer}").status_code == 403
