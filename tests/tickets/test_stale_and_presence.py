"""Two agents on one ticket (issue 25, item 8): a save from a page the other agent has moved
on gives one notice naming who changed what, never a raw validation error; "just replied"
reaches the other agent's presence poll, which runs every 2 s."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from tickets import activity, presence, services

CHANGELIST = "/admin/tickets/ticket/"


@pytest.fixture
def sam(agent):
    agent.first_name, agent.last_name = "Sam", "Rivera"
    agent.save()
    return agent


@pytest.fixture
def kim(db):
    user = get_user_model().objects.create_user(
        "kim", first_name="Kim", last_name="Lee", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Support agents"))
    return user


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(ticket):
    return f"{CHANGELIST}{ticket.pk}/change/"


def page_form(html, **fields):
    seen = re.search(r'name="seen_version" value="([^"]+)"', html)[1]
    category = re.search(
        r'<select name="category".*?<option value="(\w+)"[^>]*selected', html, re.S
    )
    return {
        "status": "new",
        "priority": 2,
        "assignee": "",
        "category": category[1],
        "reply_kind": "public",
        "reply": "",
        "seen_version": seen,
        **fields,
    }


def test_a_stale_save_names_who_changed_what(sam, kim, make_ticket):
    ticket = make_ticket(name="Dana Whitfield")
    sam_client, kim_client = client_for(sam), client_for(kim)
    sam_page = sam_client.get(change_url(ticket)).content.decode()
    # Kim answers and asks the customer (the ticket is no longer New: "new" is no longer a
    # choice of its status).
    kim_page = kim_client.get(change_url(ticket)).content.decode()
    kim_client.post(
        change_url(ticket),
        page_form(kim_page, status="pending", reply="Which key do you use?", _send="1"),
    )
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    response = sam_client.post(
        change_url(ticket), page_form(sam_page, reply="Try the new key.", _send="1")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" not in html
    assert "Please correct the error" not in html
    [notice] = re.findall(r'<p class="errornote stale-notice" role="alert">(.*?)</p>', html, re.S)
    assert "changed while you had it open" in notice
    assert "Kim Lee replied just now" in notice
    assert "Kim Lee set the status to Pending customer just now" in notice
    assert "errorlist" not in html  # no second error anywhere
    assert "Try the new key." in html  # the agent's text is kept
    assert not ticket.messages.filter(body__startswith="Try the new key.").exists()


def test_changes_since_in_words(sam, make_ticket):
    from datetime import timedelta

    from django.utils import timezone

    ticket = make_ticket(name="Dana Whitfield")
    before = timezone.now() - timedelta(seconds=1)
    services.customer_reply(ticket, "Still broken!")
    later = timezone.now() + timedelta(minutes=2, seconds=5)
    assert activity.changes_since(ticket, before, now=later)[0] == "Dana Whitfield wrote 2 min ago"
    assert activity.seen_moment("not a moment") is None
    assert activity.seen_moment("2026-12-07T12:00:00") is None  # naive: not ours
    assert activity.changes_since(ticket, timezone.now()) == []


def test_just_replied_reaches_the_other_agent(sam, kim, make_ticket):
    ticket = make_ticket()
    sam_client, kim_client = client_for(sam), client_for(kim)
    url = f"{CHANGELIST}{ticket.pk}/presence/"
    kim_page = kim_client.get(change_url(ticket)).content.decode()
    kim_client.post(change_url(ticket), page_form(kim_page, reply="On it.", _send="1"))
    # Kim is back on the ticket page (viewing), and still "just replied" for Sam.
    kim_client.get(change_url(ticket))
    html = sam_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<strong>Kim Lee</strong> just replied" in html
    assert f'href="{change_url(ticket)}">reload to read it' in html
    # Sam never sees themselves.
    assert "Sam Rivera" not in html
    assert [p["state"] for p in presence.others(ticket.pk, kim)] == ["viewing"]


def test_the_page_polls_presence_every_two_seconds(sam, make_ticket):
    html = client_for(sam).get(change_url(make_ticket())).content.decode()
    assert 'hx-trigger="every 2s, presence-change"' in html
