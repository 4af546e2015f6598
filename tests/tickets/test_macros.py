"""Macros: only allow-listed variables are filled in, nothing else in the text is ever run,
and their actions go through the ticket's workflow."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tickets import macros
from tickets.models import IllegalTransition, Macro, TicketMessage


@pytest.fixture
def sam(agent):
    agent.first_name, agent.last_name = "Sam", "Rivera"
    agent.save()
    return agent


def test_variables_are_filled_in(make_ticket, sam):
    ticket = make_ticket(name="Ada Lovelace", email="ada@example.com", subject="Quota")
    filled = macros.fill(
        "Hi {{ customer.first_name }}, about {{ticket.reference}} ({{ ticket.subject }}). "
        "— {{ agent.name }}",
        ticket=ticket,
        agent=sam,
    )
    assert filled.text == f"Hi Ada, about {ticket.reference} (Quota). — Sam Rivera"
    assert filled.unknown == []


def test_a_customer_without_a_name_is_greeted_anyway(make_ticket, sam):
    ticket = make_ticket(name="")
    assert macros.fill("Hi {{ customer.first_name }},", ticket=ticket, agent=sam).text == (
        "Hi there,"
    )


@pytest.mark.parametrize(
    "attempt",
    [
        "{% load static %}",
        "{% debug %}",
        "{{ x.__class__ }}",
        "{{ ticket.__class__.__init__.__globals__ }}",
        "{{ customer.first_name|upper }}",
        "{{ settings.SECRET_KEY }}",
        "{{ ticket.assignee.password }}",
        "{{ agent.password }}",
        "{# a comment #}",
        "{{ }}",
    ],
)
def test_nothing_but_variables_is_interpreted(make_ticket, sam, attempt):
    """Tags, filters, attributes and names outside the allow-list stay as typed, and are
    listed so the agent sees them before sending."""
    ticket = make_ticket(name="Ada")
    sam.set_password("s3cret-pass")
    filled = macros.fill(
        f"Hello {{{{ customer.first_name }}}}. {attempt}", ticket=ticket, agent=sam
    )
    assert filled.text == f"Hello Ada. {attempt}"
    assert filled.unknown == [attempt]
    assert "s3cret" not in filled.text and "pbkdf2" not in filled.text


def test_values_are_never_filled_in_twice(make_ticket, sam):
    """A customer who calls themselves "{{ agent.name }}" gets their name, not the agent's."""
    ticket = make_ticket(name="{{ agent.name }} <b>x</b>")
    filled = macros.fill("Dear {{ customer.name }}", ticket=ticket, agent=sam)
    assert filled.text == "Dear {{ agent.name }} <b>x</b>"
    assert filled.unknown == []


def test_preview_appends_to_what_the_agent_typed_and_flags_problems(make_ticket, sam):
    ticket = make_ticket()
    ticket.transition("closed")
    macro = Macro.objects.create(title="Ask", body="Which model? {{ oops }}", set_status="pending")
    shown = macros.preview(macro, ticket=ticket, agent=sam, draft="Thanks.")
    assert shown.text == "Thanks.\n\nWhich model? {{ oops }}"
    assert shown.unknown == ["{{ oops }}"]
    assert shown.changes == {"status": "pending"}
    assert shown.problems == [
        "This closed ticket cannot become pending customer; choose another status."
    ]


def test_actions_go_through_the_transition_table(make_ticket, sam):
    ticket = make_ticket()
    macro = Macro.objects.create(
        title="Need details",
        set_status="pending",
        set_priority=3,
        set_category="api",
        set_assignee=sam,
        internal_note="Asked for details ({{ agent.first_name }}).",
    )
    macros.apply_actions(macro, ticket=ticket, by=sam)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.category, ticket.assignee) == (
        "pending",
        3,
        "api",
        sam,
    )
    status_event = ticket.events.get(field="status")
    assert (status_event.old_value, status_event.new_value) == ("New", "Pending customer")
    assert status_event.reason == "macro: Need details" and status_event.actor == sam
    assert ticket.paused_since is not None  # the clocks moved as for any transition
    note = ticket.messages.get(is_internal=True)
    assert note.body == "Asked for details (Sam)."
    macro.refresh_from_db()
    assert macro.usage_count == 1 and macro.last_used_at is not None


def test_a_move_the_table_refuses_changes_nothing(make_ticket, sam):
    ticket = make_ticket(priority=2)
    ticket.transition("closed")
    macro = Macro.objects.create(title="Reopen", set_status="open", set_priority=4)
    with pytest.raises(IllegalTransition, match="closed ticket cannot become open"):
        macros.apply_actions(macro, ticket=ticket, by=sam)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("closed", 2)
    assert not TicketMessage.objects.filter(ticket=ticket, is_internal=True).exists()
    assert Macro.objects.get(pk=macro.pk).usage_count == 0


def test_personal_macros_are_their_owners_only(sam, db):
    other = get_user_model().objects.create_user("kim", is_staff=True)
    shared = Macro.objects.create(title="Shared")
    mine = Macro.objects.create(title="Mine", owner=sam)
    theirs = Macro.objects.create(title="Theirs", owner=other)
    assert set(Macro.objects.usable_by(sam)) == {shared, mine}
    assert theirs not in Macro.objects.usable_by(sam)


def test_usage_counts_do_not_lose_concurrent_uses(db):
    macro = Macro.objects.create(title="Thanks")
    stale = Macro.objects.get(pk=macro.pk)
    macro.count_use(timezone.now())
    stale.count_use(timezone.now())
    assert Macro.objects.get(pk=macro.pk).usage_count == 2


def test_agents_edit_macros_in_the_admin_and_personal_ones_stay_theirs(client, sam, db):
    from django.contrib.auth.models import Group
    from django.test import Client

    client.force_login(sam)
    for title, personal in (("Shared one", ""), ("My own", "on")):
        response = client.post(
            "/admin/tickets/macro/add/",
            {"title": title, "body": "Hi {{ customer.first_name }}", "personal": personal},
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert Macro.objects.get(title="Shared one").owner is None
    assert Macro.objects.get(title="My own").owner == sam
    kim = get_user_model().objects.create_user("kim", is_staff=True)
    kim.groups.add(Group.objects.get(name="Support agents"))
    other = Client()
    other.force_login(kim)
    listing = other.get("/admin/tickets/macro/").content.decode()
    assert "Shared one" in listing and "My own" not in listing
    mine = Macro.objects.get(title="My own")
    assert other.get(f"/admin/tickets/macro/{mine.pk}/change/").status_code == 302  # not found
