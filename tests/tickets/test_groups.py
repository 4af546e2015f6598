"""Agent groups and routing (#22, item 5): tickets in a group and optionally assigned to one
of its members (validated), queue views per group and "My groups", and round-robin or
least-loaded assignment when a ticket arrives in a group or moves into one."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.html import texts
from tests.tickets.desk import CHANGELIST, change_url, form_data
from tickets import bulk, queueviews, routing, services
from tickets.models import AgentGroup, InvalidAssignment, Ticket


def _agent(username, first_name):
    user = get_user_model().objects.create_user(username, first_name=first_name, is_staff=True)
    user.groups.add(Group.objects.get(name="Support agents"))
    return user


@pytest.fixture
def people(db):
    return [_agent(name.lower(), name) for name in ("Ann", "Ben", "Cat")]


@pytest.fixture
def billing(people):
    group = AgentGroup.objects.create(name="Billing")
    group.members.set(people)
    return group


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def refs(html):
    return [t.strip() for t in texts(html, "field-reference")]


def test_the_assignee_must_be_a_member_of_the_group(billing, people, agent, make_ticket):
    ticket = make_ticket(group=billing)
    with pytest.raises(InvalidAssignment, match="agent is not in the Billing group"):
        ticket.change_triage(by=None, assignee=agent)
    ticket.refresh_from_db()
    assert ticket.assignee is None and not ticket.events.filter(field="assignee").exists()
    assert ticket.change_triage(by=None, assignee=people[1]) == ["assignee"]
    with pytest.raises(InvalidAssignment):
        ticket.change_triage(by=None, group=AgentGroup.objects.create(name="API"))


def test_the_ticket_page_refuses_an_assignee_outside_the_group(
    agent_client, agent, billing, make_ticket
):
    ticket = make_ticket()
    response = agent_client.post(
        change_url(ticket), form_data(ticket, group=billing.pk, assignee=agent.pk, _save="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "agent is not in the Billing group: choose one of its members" in html
    ticket.refresh_from_db()
    assert ticket.group is None and ticket.assignee is None
    # "Assign to me" on a ticket of a group the agent is not in says why.
    Ticket.objects.filter(pk=ticket.pk).update(group=billing)
    response = agent_client.post(f"{CHANGELIST}{ticket.pk}/assign-to-me/", follow=True)
    assert "Agent is not in the Billing group" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_round_robin_gives_each_member_a_turn(billing, people, make_ticket):
    billing.assignment = "round_robin"
    billing.save()
    ann, ben, cat = people
    cat.is_active = False  # can no longer work tickets: skipped
    cat.save()
    assignees = [make_ticket(group=billing).assignee for _ in range(5)]
    assert assignees == [ann, ben, ann, ben, ann]
    event = Ticket.objects.filter(group=billing).first().events.get(field="assignee")
    assert event.reason == "round robin in Billing" and event.actor is None


def test_least_loaded_picks_the_member_with_the_fewest_unfinished_tickets(
    billing, people, make_ticket
):
    billing.assignment = "least_loaded"
    billing.save()
    ann, ben, cat = people
    for person, count in ((ann, 2), (ben, 1), (cat, 3)):
        for _ in range(count):
            make_ticket(assignee=person)
    done = make_ticket(assignee=ben)
    done.transition("closed")  # finished tickets are no load
    assert make_ticket(group=billing).assignee == ben
    assert make_ticket(group=billing).assignee in {ann, ben}


def test_a_group_without_a_rule_leaves_tickets_unassigned(billing, make_ticket):
    assert make_ticket(group=billing).assignee is None


def test_moving_a_ticket_into_a_group_routes_it(agent_client, agent, billing, people, make_ticket):
    billing.assignment = "round_robin"
    billing.save()
    ticket = make_ticket()
    agent_client.post(change_url(ticket), form_data(ticket, group=billing.pk, _save=""))
    ticket.refresh_from_db()
    assert ticket.group == billing and ticket.assignee == people[0]
    # In bulk: an assignee outside the new group is taken off, then the rule assigns.
    mine = make_ticket(assignee=agent)
    changed, refused = bulk.change(Ticket.objects.filter(pk=mine.pk), actor=agent, group=billing)
    mine.refresh_from_db()
    assert (changed, refused) == (1, [])
    assert mine.group == billing and mine.assignee == people[1]


def test_bulk_move_to_group_and_refusals(agent_client, agent, billing, make_ticket):
    first, second = make_ticket(), make_ticket()
    ids = [first.pk, second.pk]
    response = agent_client.post(
        CHANGELIST,
        {"action": "set_group", "_selected_action": ids, "group": billing.pk},
        follow=True,
    )
    assert "2 tickets moved to Billing." in response.content.decode()
    response = agent_client.post(
        CHANGELIST, {"action": "assign_to_me", "_selected_action": ids}, follow=True
    )
    html = response.content.decode()
    assert f"{first.reference}: agent is not in the Billing group" in html
    assert Ticket.objects.filter(assignee=agent).count() == 0


def test_queue_views_per_group_and_my_groups(agent_client, agent, billing, make_ticket):
    api = AgentGroup.objects.create(name="API")
    api.members.add(agent)
    ours = make_ticket(group=api)
    make_ticket(group=billing)
    make_ticket()
    counts = {view.name: view.count for view in queueviews.views_for(agent)}
    assert counts["My groups, waiting"] == 1 and counts["API"] == 1
    assert "Billing" not in counts  # not one of the agent's groups
    html = agent_client.get(CHANGELIST, {"group": "mine"}).content.decode()
    assert refs(html) == [ours.reference]
    assert '<span class="queue-group">API</span>' in html
    html = agent_client.get(CHANGELIST, {"group": "none"}).content.decode()
    assert len(refs(html)) == 1
    assert len(refs(agent_client.get(CHANGELIST, {"group": billing.pk}).content.decode())) == 1
    assert agent_client.get(CHANGELIST, {"group": "x' OR 1=1"}).status_code == 200


def test_who_may_define_groups(client, agent, lead, billing, people):
    client.force_login(agent)
    assert client.get("/admin/tickets/agentgroup/").status_code == 200
    assert client.get("/admin/tickets/agentgroup/add/").status_code == 403
    client.force_login(lead)
    response = client.post(
        "/admin/tickets/agentgroup/add/",
        {"name": "API", "members": [people[0].pk], "assignment": "least_loaded"},
    )
    assert response.status_code == 302
    assert list(AgentGroup.objects.get(name="API").members.all()) == [people[0]]
    html = client.get("/admin/tickets/agentgroup/").content.decode()
    assert "Least loaded" in html


def test_staff_update_routes_on_group_change(agent, billing, people, make_ticket):
    billing.assignment = "round_robin"
    billing.save()
    ticket = services.staff_update(make_ticket(), actor=agent, group=billing)
    assert ticket.assignee == people[0]
    assert routing.route(ticket) is None  # already assigned
