"""Triggers (#22, item 6): admin-defined rules on every channel's new tickets and on updates,
and by the clock; each firing logged on the ticket, loop-safe (once per event, to a fixed
point), a dry run over recent tickets, today's automations as editable default rules, and
the example rule that makes an URGENT email Urgent."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.tickets.desk import change_url, form_data
from tests.tickets.inbound import deliver
from tickets import bulk, services, triggers
from tickets.models import (
    AgentGroup,
    Channel,
    CustomField,
    EmailKind,
    Organization,
    Ticket,
    Trigger,
    TriggerAction,
    TriggerCondition,
    TriggerFiring,
)
from tickets.triggers import conditions

TRIGGERS = "/admin/tickets/trigger/"


def rule(name, *, runs_on="created", match="all", position=0, when=(), then=()):
    """A rule with conditions (field, operator, value, extra fields) and actions."""
    trigger = Trigger.objects.create(name=name, runs_on=runs_on, match=match, position=position)
    for field, operator, value, *extra in when:
        condition = TriggerCondition(
            trigger=trigger, field=field, operator=operator, value=value, **dict(extra)
        )
        condition.full_clean()
        condition.save()
    for action, value, *extra in then:
        row = TriggerAction(trigger=trigger, action=action, value=value, **dict(extra))
        row.full_clean()
        row.save()
    return trigger


def email(subject, body="The API answers 500 since 09:00.", sender="ada@example.com"):
    return (
        f"From: Ada <{sender}>\r\nTo: support@example.com\r\nSubject: {subject}\r\n"
        f"Message-ID: <{abs(hash(subject))}@example.com>\r\n"
        "Date: Mon, 30 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def trigger_events(ticket):
    return list(ticket.events.filter(field="trigger").values_list("new_value", flat=True))


# The example rule shipped by the migration.
@pytest.mark.parametrize(
    ("subject", "priority"),
    [
        ("URGENT: API down", 4),
        ("Outage in eu-west", 4),
        ("Is there an outage?", 4),
        ("Outages last week (a report)", 2),  # whole words only
        ("Invoice question", 2),
    ],
)
def test_an_urgent_email_becomes_urgent(db, django_capture_on_commit_callbacks, subject, priority):
    deliver(email(subject), django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.priority, ticket.category) == ("email", priority, "other")
    if priority == 4:
        assert trigger_events(ticket) == ["Trigger 'Outage words' set priority Urgent"]
        assert ticket.events.get(field="priority").reason == "trigger: Outage words"
        # The SLA follows the new priority (urgent: 1 h to the first response).
        assert ticket.response_due_at - ticket.created_at == timedelta(hours=1)
    else:
        assert trigger_events(ticket) == []


def test_the_same_words_on_the_web_form_do_not_match_the_email_rule(make_ticket):
    ticket = make_ticket(subject="URGENT: API down")
    assert (ticket.channel, ticket.priority) == ("web", 2)


def test_the_channel_says_how_a_ticket_came_in(make_ticket):
    assert make_ticket().channel == "web"
    opened = services.create_ticket(
        Ticket(email="ada@example.com", subject="Called us", description="On the phone."),
        channel="agent",
    )
    assert opened.get_channel_display() == "Opened by an agent"


# Conditions.
@pytest.mark.parametrize(
    ("operator", "value", "holds"),
    [
        ("any", "outage urgent", True),
        ("any", "billing", False),
        ("all", 'stream "stops early"', True),
        ("all", "stream billing", False),
        ("none", "billing invoice", True),
        ("none", "STREAM", False),
    ],
)
def test_words_in_the_subject(make_ticket, operator, value, holds):
    ticket = make_ticket(subject="The stream stops early (outage?)")
    condition = TriggerCondition(field="subject", operator=operator, value=value)
    ctx = conditions.Context(ticket, "created", "customer", timezone.now())
    assert conditions.holds(condition, ctx) is holds


def test_conditions_on_fields_organizations_hours_and_who(settings, make_ticket, agent):
    acme = Organization.objects.create(name="Acme")
    acme.domains.create(domain="acme.com")
    seats = CustomField.objects.create(label="Seats", key="seats", kind="number")
    ticket = make_ticket(email="ada@acme.com", priority=3)
    ticket.set_field_values({seats: "120"})
    now = timezone.now()

    def check(field, operator, value="", who="customer", at=now, **extra):
        condition = TriggerCondition(field=field, operator=operator, value=value, **extra)
        condition.full_clean(exclude=["trigger"])
        return conditions.holds(condition, conditions.Context(ticket, "updated", who, at))

    assert check("priority", "gte", "High") and not check("priority", "gte", "urgent")
    assert check("organization", "is", organization=acme)
    assert not check("organization", "is_not", organization=acme)
    assert check("custom_field", "gte", "100", custom_field=seats)
    assert not check("custom_field", "lt", "100", custom_field=seats)
    assert check("custom_field", "set", custom_field=seats)
    assert check("since_created", "lt", "1") and not check("since_created", "gte", "1")
    assert check("since_created", "gte", "24", at=now + timedelta(days=1, minutes=1))
    assert check("updated_by", "is", "customer") and not check("updated_by", "is", "staff")
    settings.TICKET_BUSINESS_HOURS = {
        "time_zone": "UTC",
        "days": [0],
        "start": "09:00",
        "end": "17:00",
    }
    monday_noon = timezone.datetime(2026, 11, 30, 12, 0, tzinfo=timezone.UTC)
    assert check("business_hours", "is", "within", at=monday_noon)
    assert check("business_hours", "is", "outside", at=monday_noon + timedelta(hours=6))


@pytest.mark.parametrize(
    ("field", "operator", "value", "message"),
    [
        ("subject", "is", "x", "Subject takes: contains all of, contains any of"),
        ("priority", "is", "very", "Priority is one of: Low, Normal, High, Urgent."),
        ("since_status", "gte", "soon", "Type a number of hours"),
        ("subject", "any", "   ", "Type the words to look for."),
        ("organization", "is", "", "Choose the organization."),
        ("channel", "is", "fax", f"Channel is one of: {', '.join(Channel.labels)}."),
    ],
)
def test_a_wrong_condition_says_what_it_takes(db, field, operator, value, message):
    with pytest.raises(ValidationError) as error:
        TriggerCondition(field=field, operator=operator, value=value).full_clean(
            exclude=["trigger"]
        )
    assert message in str(error.value)


def test_an_action_with_template_syntax_is_refused(db):
    action = TriggerAction(
        action="email", value="Hi", text="Hello {{ customer.first_name }} {% debug %}"
    )
    with pytest.raises(ValidationError, match=r"Not a variable: \{% debug %\}"):
        action.full_clean(exclude=["trigger"])


# Actions, each logged.
def test_every_action_is_applied_and_logged(make_ticket, agent, django_capture_on_commit_callbacks):
    billing = AgentGroup.objects.create(name="Billing", assignment="round_robin")
    billing.members.add(agent)
    area = CustomField.objects.create(label="Area", key="area", kind="dropdown", choices="Billing")
    rule(
        "Billing words",
        when=[("body", "any", "invoice")],
        then=[
            ("priority", "High"),
            ("category", "billing"),
            ("group", "", ("group", billing)),
            ("add_tags", "billing Invoice"),
            ("field", "Billing", ("custom_field", area)),
            ("status", "open"),
            ("note", "", ("text", "Check {{ customer.email }}'s plan.")),
            (
                "email",
                "About {{ ticket.reference }}",
                ("text", "Hi {{ customer.first_name }}, billing will answer."),
            ),
        ],
    )
    # A text saved some other way than the admin (which refuses it): still only filled.
    TriggerAction.objects.filter(action="note").update(text="Check {{ x.__class__ }}.")
    ticket = make_ticket(name="Ada Lovelace", email="ada@example.com", description="My invoice?")
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.category, ticket.group, ticket.assignee) == (
        3,
        "billing",
        billing,
        agent,
    )
    assert ticket.status == "open" and ticket.tag_names() == ["billing", "invoice"]
    assert ticket.field_values_by_key() == {"area": "Billing"}
    [summary] = trigger_events(ticket)
    assert summary.startswith(
        "Trigger 'Billing words' set priority High, set category Billing and plans, "
        "set group Billing, assigned to agent, added tags billing invoice, set Area Billing, "
        "set status Open,"
    )
    note = ticket.messages.get(is_internal=True)
    # Only the known variables are filled; anything else stays as typed.
    assert note.body.startswith("Check {{ x.__class__ }}.")
    mail = ticket.emails.get(kind=EmailKind.TRIGGER_EMAIL)
    assert mail.subject == f"[{ticket.reference}] About {ticket.reference}"
    assert mail.body.startswith("Hi Ada, billing will answer.") and mail.to == "ada@example.com"
    assert TriggerFiring.objects.get().summary == summary


def test_a_move_the_workflow_refuses_is_named_and_nothing_else_breaks(make_ticket):
    rule("Back to new", runs_on="updated", then=[("status", "new"), ("add_tags", "seen")])
    ticket = make_ticket()
    ticket.transition("open")
    ticket = services.customer_reply(ticket, "More details.")
    assert trigger_events(ticket) == [
        "Trigger 'Back to new' added tags seen, did not set status New: A open ticket cannot "
        "become new: it can become pending customer, resolved, closed."
    ]
    assert ticket.status == "open" and ticket.tag_names() == ["seen"]


# Loop safety.
def test_rules_that_undo_each_other_fire_once_each_and_stop(make_ticket):
    rule("Mark", runs_on="any", position=1, when=[("tags", "none", "x")], then=[("add_tags", "x")])
    rule(
        "Unmark",
        runs_on="any",
        position=2,
        when=[("tags", "any", "x")],
        then=[("remove_tags", "x")],
    )
    ticket = make_ticket()
    assert trigger_events(ticket) == [
        "Trigger 'Mark' added tags x",
        "Trigger 'Unmark' removed tags x",
    ]
    assert ticket.tag_names() == []
    # An update is a new event: each fires once more, no more.
    services.customer_reply(ticket, "Hello?")
    assert len(trigger_events(ticket)) == 4


def test_a_rule_never_fires_again_on_its_own_change(make_ticket):
    rule("Tag new ones", runs_on="any", then=[("add_tags", "triaged"), ("priority", "High")])
    ticket = make_ticket()
    assert trigger_events(ticket) == [
        "Trigger 'Tag new ones' set priority High, added tags triaged"
    ]
    ticket.refresh_from_db()
    assert ticket.priority == 3 and ticket.trigger_firings.count() == 1


def test_a_later_rules_change_lets_an_earlier_rule_fire(make_ticket):
    """The pass starts again from the first rule after a firing: a fixed point."""
    rule(
        "Urgent ones get a tag",
        position=1,
        when=[("priority", "is", "Urgent")],
        then=[("add_tags", "page-oncall")],
    )
    rule(
        "Outage is urgent",
        position=2,
        when=[("subject", "any", "outage")],
        then=[("priority", "Urgent")],
    )
    ticket = make_ticket(subject="Outage in EU")
    assert trigger_events(ticket) == [
        "Trigger 'Outage is urgent' set priority Urgent",
        "Trigger 'Urgent ones get a tag' added tags page-oncall",
    ]


def test_rules_run_on_updates_by_customers_and_staff(make_ticket, agent):
    rule(
        "Customer came back",
        runs_on="updated",
        when=[("updated_by", "is", "customer"), ("body", "any", "still")],
        then=[("add_tags", "returning")],
    )
    rule(
        "Staff touched",
        runs_on="updated",
        when=[("updated_by", "is", "staff")],
        then=[("priority", "Urgent")],
    )
    ticket = make_ticket()
    assert trigger_events(ticket) == []  # rules on updates do not run on creation
    services.customer_reply(ticket, "It still fails.")
    assert ticket.tag_names() == ["returning"]
    services.staff_update(ticket, actor=agent, reply="Looking.")
    ticket.refresh_from_db()
    assert ticket.priority == 4
    bulk.change(Ticket.objects.filter(pk=ticket.pk), actor=agent, priority=1)
    ticket.refresh_from_db()
    assert ticket.priority == 4 and len(trigger_events(ticket)) == 3


def test_an_agent_saving_the_page_fires_rules(client, agent, make_ticket):
    rule("VIP", runs_on="updated", when=[("tags", "any", "vip")], then=[("priority", "High")])
    client.force_login(agent)
    ticket = make_ticket()
    client.post(change_url(ticket), form_data(ticket, add_tags="vip", _save=""))
    ticket.refresh_from_db()
    assert ticket.priority == 3
    html = client.get(change_url(ticket)).content.decode()
    assert "Trigger &#x27;VIP&#x27; set priority High" in html and "trigger: VIP" in html


# By the clock.
def test_a_time_rule_fires_once_until_the_status_changes(make_ticket):
    rule(
        "Nudge high ones",
        runs_on="time",
        when=[("priority", "gte", "High"), ("since_created", "gte", "2")],
        then=[("add_tags", "nudged"), ("note", "", ("text", "Still open after 2 hours."))],
    )
    high, low = make_ticket(priority=3), make_ticket(priority=1)
    soon = timezone.now() + timedelta(hours=1)
    assert triggers.run_time_rules(now=soon) == {"tickets": 0, "fired": 0}
    later = timezone.now() + timedelta(hours=3)
    assert triggers.run_time_rules(now=later) == {"tickets": 1, "fired": 1}
    assert high.tag_names() == ["nudged"] and low.tag_names() == []
    # Due again only once the status changed.
    assert triggers.run_time_rules(now=later + timedelta(hours=1))["fired"] == 0
    high.change_tags(remove="nudged")
    assert triggers.run_time_rules(now=later + timedelta(hours=1))["fired"] == 0
    high.transition("open", now=later + timedelta(hours=1))
    assert triggers.run_time_rules(now=later + timedelta(hours=2))["fired"] == 1
    assert (
        trigger_events(high)
        == ["Trigger 'Nudge high ones' added tags nudged, added an internal note"] * 2
    )


def test_the_clock_finds_the_same_tickets_the_rules_match(make_ticket):
    """The database filter of a time rule never misses a ticket its conditions match."""
    acme = Organization.objects.create(name="Acme")
    acme.domains.create(domain="acme.com")
    time_rule = rule(
        "Mixed",
        runs_on="time",
        match="any",
        when=[
            ("since_created", "gte", "1"),
            ("organization", "is_not", "", ("organization", acme)),
            ("tags", "all", "a b"),
        ],
        then=[("add_tags", "seen")],
    )
    tickets = [make_ticket(email="x@acme.com"), make_ticket()]
    tickets[0].change_tags(add="a b")
    now = timezone.now() + timedelta(minutes=30)
    due = set(triggers.due_by_time([time_rule], now).values_list("pk", flat=True))
    for ticket in tickets:
        ctx = conditions.Context(ticket, "time", "system", now)
        if conditions.matches(time_rule, ctx):
            assert ticket.pk in due


# The dry run.
def test_the_dry_run_lists_recent_matches_and_changes_nothing(client, agent, editor, make_ticket):
    match = make_ticket(subject="Invoice missing")
    make_ticket(subject="Stream stops")
    old = make_ticket(subject="Old invoice")
    time_rule = rule("Billing", when=[("subject", "any", "invoice")], then=[("priority", "High")])
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    matched, seen = triggers.dry_run(time_rule)
    assert [t.pk for t in matched] == [match.pk] and seen == 2
    client.force_login(agent)
    html = client.get(f"{TRIGGERS}{time_rule.pk}/dry-run/").content.decode()
    assert "It matches 1 of the 2 tickets opened in the last 30 days." in html
    assert match.reference in html and old.reference not in html
    assert Ticket.objects.get(pk=match.pk).priority == 2 and not TriggerFiring.objects.exists()
    change = client.get(f"{TRIGGERS}{time_rule.pk}/change/").content.decode()
    assert f'href="{TRIGGERS}{time_rule.pk}/dry-run/"' in change
    assert client.get(f"{TRIGGERS}999999/dry-run/").status_code == 404
    client.force_login(editor)
    assert client.get(f"{TRIGGERS}{time_rule.pk}/dry-run/").status_code == 403


# The admin.
def _post(**rows):
    data = {
        "name": "Outage",
        "description": "",
        "runs_on": "created",
        "match": "all",
        "active": "on",
        "position": "5",
        "conditions-TOTAL_FORMS": "1",
        "conditions-INITIAL_FORMS": "0",
        "conditions-0-field": "subject",
        "conditions-0-operator": "any",
        "conditions-0-value": "outage",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-action": "priority",
        "actions-0-value": "urgent",
    }
    data.update(rows)
    return data


def test_a_lead_writes_a_rule_in_the_admin(client, lead, agent):
    client.force_login(lead)
    response = client.post(f"{TRIGGERS}add/", _post())
    assert response.status_code == 302
    outage = Trigger.objects.get(name="Outage")
    assert outage.actions.get().value == "4"  # stored by its code
    html = client.post(f"{TRIGGERS}add/", _post(name="Clock", runs_on="time")).content.decode()
    assert "A rule run by the clock needs a condition on hours since an event" in html
    html = client.post(
        f"{TRIGGERS}add/", _post(name="Empty", **{"actions-TOTAL_FORMS": "0"})
    ).content.decode()
    assert "Add an action: a rule without one does nothing." in html
    html = client.post(
        f"{TRIGGERS}add/", _post(name="Bad", **{"conditions-0-operator": "gte"})
    ).content.decode()
    assert "Subject takes: contains all of, contains any of, contains none of." in html
    # A row whose field or action is not one of the choices says so (it was a 500).
    for bad in ({"conditions-0-field": "nope"}, {"actions-0-action": "nope"}):
        response = client.post(f"{TRIGGERS}add/", _post(name="Unknown", **bad))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Trigger.objects.filter(name__in=["Clock", "Empty", "Bad", "Unknown"]).exists()
    client.force_login(agent)
    assert client.get(TRIGGERS).status_code == 200
    assert client.get(f"{TRIGGERS}add/").status_code == 403


def test_the_default_rules_are_editable_rules(db):
    names = list(Trigger.objects.values_list("name", "runs_on"))
    assert names == [
        ("Outage words", "created"),
        ("Remind after 3 days waiting on the customer", "time"),
        ("Resolve after 7 days without an answer", "time"),
        ("Close 7 days after resolving", "time"),
    ]
    for trigger in Trigger.objects.all():
        for row in [*trigger.conditions.all(), *trigger.actions.all()]:
            row.full_clean()  # each as valid as one written in the admin
