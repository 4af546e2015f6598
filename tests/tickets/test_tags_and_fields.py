"""Tags and custom fields (#22, item 3): typed on the ticket page with suggestions, filtered
and searched in the queue, added and removed in bulk and by macros; custom fields on the
contact form or for staff, validated per type, required to resolve, and counted in a report."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.html import texts
from tests.tickets.desk import CHANGELIST, change_url, form_data
from tickets import customfields, macros, queueviews, services
from tickets.forms import signed_start
from tickets.models import (
    CustomField,
    CustomFieldValue,
    IllegalTransition,
    Macro,
    Tag,
    Ticket,
    normalize_tag,
    parse_tags,
)


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def root_cause(db):
    return CustomField.objects.create(
        label="Root cause",
        key="root-cause",
        kind="dropdown",
        choices="Bug\nConfiguration\nQuestion",
        required_to_resolve=True,
    )


def refs(html):
    return [t.strip() for t in texts(html, "field-reference")]


# Tags.
def test_one_spelling_per_tag():
    assert normalize_tag("  Rate Limits ") == "rate-limits"
    assert normalize_tag("<b>VIP</b>!") == "bvipb"
    assert normalize_tag("Über_API.v2") == "über_api.v2"
    assert normalize_tag("\x00--") == ""
    assert parse_tags("billing, Billing  outage,,") == ["billing", "outage"]
    assert len(parse_tags(" ".join(f"t{n}" for n in range(50)))) == 20


def test_an_agent_tags_a_ticket_and_removes_a_tag(agent_client, agent, make_ticket):
    ticket = make_ticket()
    ticket.change_tags(add="billing", by=agent)
    response = agent_client.post(
        change_url(ticket),
        form_data(ticket, current_tags=[], add_tags="Outage, API-v2", _save=""),
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.tag_names() == ["api-v2", "outage"]
    event = ticket.events.filter(field="tags").last()
    assert (event.old_value, event.new_value, event.actor) == ("billing", "api-v2 outage", agent)
    html = agent_client.get(change_url(ticket)).content.decode()
    assert 'name="current_tags" value="outage"' in html and 'name="add_tags"' in html


def test_tag_suggestions_work_with_and_without_javascript(agent_client, make_ticket):
    for name in ("billing", "bug", "api"):
        make_ticket().change_tags(add=name)
    make_ticket().change_tags(add="billing")
    page = agent_client.get(change_url(make_ticket())).content.decode()
    # Without JavaScript: the datalist has the most used tags, first the most used.
    datalist = page.split('<datalist id="tag-suggestions">')[1].split("</datalist>")[0]
    assert datalist.index('"billing"') < datalist.index('"api"')
    assert 'list="tag-suggestions"' in page and 'hx-get="/admin/tickets/ticket/tags/"' in page
    # With htmx: options complete the last tag typed, after those typed before it.
    url = f"{CHANGELIST}tags/"
    html = agent_client.get(url, {"add_tags": "api, b"}, headers={"HX-Request": "true"})
    options = html.content.decode()
    assert '<option value="api, billing">' in options and '<option value="api, bug">' in options
    assert "<html" not in options and '"api, api"' not in options
    # The queue's bulk box asks the same view.
    assert 'value="billing"' in agent_client.get(url, {"tags": "bil"}).content.decode()


def test_the_queue_filters_and_searches_tags(agent_client, agent, make_ticket):
    tagged = make_ticket(subject="Stream stops")
    tagged.change_tags(add="outage")
    make_ticket(subject="Other")
    html = agent_client.get(CHANGELIST, {"tag": "outage"}).content.decode()
    assert refs(html) == [tagged.reference]
    assert '<span class="queue-tag">outage</span>' in html
    assert refs(agent_client.get(CHANGELIST, {"q": "outage"}).content.decode()) == [
        tagged.reference
    ]
    # A saved view with the filter counts the same tickets.
    view = queueviews.save_view(agent, name="Outages", query="tag=outage&o=1")
    assert view.query == "tag=outage"
    assert {v.name: v.count for v in queueviews.views_for(agent)}["Outages"] == 1


def test_bulk_add_and_remove_tags(agent_client, make_ticket):
    first, second = make_ticket(), make_ticket()
    second.change_tags(add="vip")
    ids = [first.pk, second.pk]
    response = agent_client.post(
        CHANGELIST, {"action": "add_tags", "_selected_action": ids, "tags": "Outage vip"}
    )
    assert response.status_code == 302
    assert first.tag_names() == ["outage", "vip"] and second.tag_names() == ["outage", "vip"]
    agent_client.post(CHANGELIST, {"action": "remove_tags", "_selected_action": ids, "tags": "vip"})
    assert first.tag_names() == ["outage"] and second.tag_names() == ["outage"]
    refused = agent_client.post(
        CHANGELIST, {"action": "add_tags", "_selected_action": ids, "tags": " ,"}, follow=True
    )
    assert "Type the tags beside the action." in refused.content.decode()


def test_a_macro_adds_and_removes_tags(agent_client, agent, make_ticket):
    ticket = make_ticket()
    ticket.change_tags(add="new-customer triage")
    macro = Macro.objects.create(title="Outage", add_tags="Outage", remove_tags="triage")
    html = agent_client.post(
        f"{CHANGELIST}{ticket.pk}/macro/", {"macro": macro.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="ticket-tags" hx-swap-oob="true"' in html
    assert 'value="outage"' in html  # typed into "Add tags" for review
    assert 'value="new-customer" id="id_current_tags_0" checked>' in html
    assert 'value="triage" id="id_current_tags_1">' in html  # unticked for review
    assert "adds tags outage" in html and "removes tags triage" in html
    assert ticket.tag_names() == ["new-customer", "triage"]  # nothing until sent
    macros.apply_actions(macro, ticket=ticket, by=agent)
    assert ticket.tag_names() == ["new-customer", "outage"]
    assert ticket.events.filter(field="tags").last().reason == "macro: Outage"


# Custom fields.
@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("text", "  EU-west  ", "EU-west"),
        ("number", "1 200.50", "1200.5"),
        ("number", "-0", "0"),
        ("date", "2026-12-01", "2026-12-01"),
        ("checkbox", "on", "true"),
        ("checkbox", "", ""),
        ("dropdown", "bug", "Bug"),
    ],
)
def test_values_are_stored_in_one_form_per_type(db, kind, typed, stored):
    field = CustomField(label="F", key="f", kind=kind, choices="Bug" if kind == "dropdown" else "")
    assert field.normalize(typed) == stored


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        ("number", "12 apples", "F takes a number, like 12 or 3.5."),
        ("number", "1e309", "F takes a number"),
        ("number", "NaN", "F takes a number"),
        ("date", "2026-02-30", "F takes a date, like 2026-12-01."),
        ("date", "0001-01-01", "F takes a date"),
        ("dropdown", "Feature", "Choose one of the choices of F."),
        ("text", "x" * 501, "This is 501 characters long; F takes up to 500."),
    ],
)
def test_a_wrong_value_says_what_is_expected(db, kind, typed, message):
    field = CustomField(label="F", key="f", kind=kind, choices="Bug" if kind == "dropdown" else "")
    with pytest.raises(ValidationError) as error:
        field.normalize(typed)
    assert message in error.value.messages[0]


def test_a_dropdown_needs_choices_and_only_a_dropdown_has_them(db):
    with pytest.raises(ValidationError, match="at least one choice"):
        CustomField(label="A", key="a", kind="dropdown", choices=" \n ").clean()
    with pytest.raises(ValidationError, match="Only a dropdown"):
        CustomField(label="A", key="a", kind="text", choices="x").clean()


def _form(**overrides):
    return {
        "email": "ada@example.com",
        "subject": "Stream stops",
        "description": "After 30 s.",
        "started": signed_start(time.time() - 60),
        "intake": "intake-cf",
        **overrides,
    }


def test_customers_fill_the_fields_shown_on_the_form(client, db):
    region = CustomField.objects.create(
        label="Region", key="region", kind="dropdown", choices="EU\nUS", shown_to_customers=True
    )
    CustomField.objects.create(
        label="Seats",
        key="seats",
        kind="number",
        shown_to_customers=True,
        required_for_customers=True,
    )
    CustomField.objects.create(label="Internal score", key="score", kind="number")
    html = client.get("/support/").content.decode()
    assert "More about it" in html and 'name="cf_region"' in html and 'name="cf_seats"' in html
    assert "Internal score" not in html  # staff only
    # A wrong value is named and nothing typed is lost.
    response = client.post("/support/", _form(cf_region="EU", cf_seats="many"))
    html = response.content.decode()
    assert response.status_code == 200 and "Seats takes a number" in html
    assert "After 30 s." in html and 'value="EU" selected' in html
    response = client.post("/support/", _form(cf_region="EU", cf_seats="12"))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.field_values_by_key() == {"region": "EU", "seats": "12"}
    assert region.values.get().ticket == ticket


def test_required_fields_block_a_staff_resolve_with_the_field_named(agent, make_ticket, root_cause):
    ticket = make_ticket()
    with pytest.raises(IllegalTransition) as refusal:
        ticket.transition("resolved", by=agent)
    assert str(refusal.value) == "“Root cause” must be filled in before this ticket is resolved."
    ticket.refresh_from_db()
    assert ticket.status == "new"
    CustomField.objects.create(label="Area", key="area", kind="text", required_to_resolve=True)
    with pytest.raises(IllegalTransition, match="“Area” and “Root cause” must be filled in"):
        ticket.transition("resolved", by=agent)
    ticket.set_field_values({root_cause: "Bug", CustomField.objects.get(key="area"): "API"})
    assert ticket.transition("resolved", by=agent)


def test_the_customer_marking_solved_is_not_held_up(make_ticket, root_cause):
    ticket = services.customer_solved(make_ticket())
    assert ticket.status == "resolved"


def test_the_ticket_page_names_the_missing_field_and_saves_nothing(
    agent_client, make_ticket, root_cause
):
    ticket = make_ticket()
    response = agent_client.post(
        change_url(ticket), form_data(ticket, reply="Fixed.", _send_resolve="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Root cause” must be filled in before this ticket is resolved." in html
    assert "Required to resolve the ticket." in html and "Fixed." in html
    ticket.refresh_from_db()
    assert ticket.status == "new" and not ticket.messages.filter(author_kind="staff").exists()
    # Filled in the same save, it resolves.
    response = agent_client.post(
        change_url(ticket),
        form_data(ticket, reply="Fixed.", _send_resolve="", **{"cf_root-cause": "Bug"}),
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.field_values_by_key() == {"root-cause": "Bug"}
    assert ticket.events.get(field="Root cause").new_value == "Bug"


def test_bulk_resolve_names_the_missing_field(agent_client, make_ticket, root_cause):
    ticket = make_ticket()
    response = agent_client.post(
        CHANGELIST,
        {"action": "set_status", "_selected_action": [ticket.pk], "status": "resolved"},
        follow=True,
    )
    assert "“Root cause” must be filled in" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_the_queue_filters_and_searches_field_values(agent_client, make_ticket, root_cause):
    region = CustomField.objects.create(label="Region note", key="region", kind="text")
    vip = CustomField.objects.create(label="VIP", key="vip", kind="checkbox")
    bug, other = make_ticket(), make_ticket()
    bug.set_field_values({root_cause: "Bug", region: "eu-west-3", vip: "true"})
    other.set_field_values({root_cause: "Question"})
    html = agent_client.get(CHANGELIST, {"cf_root-cause": "Bug"}).content.decode()
    assert refs(html) == [bug.reference]
    assert 'data-filter-title="Root cause"' in html  # the filter is offered
    assert refs(agent_client.get(CHANGELIST, {"q": "west-3"}).content.decode()) == [bug.reference]
    assert refs(agent_client.get(CHANGELIST, {"cf_vip": "true"}).content.decode()) == [
        bug.reference
    ]
    assert refs(agent_client.get(CHANGELIST, {"cf_vip": "false"}).content.decode()) == [
        other.reference
    ]
    assert queueviews.normal_query("cf_vip=true&o=2&cf_root-cause=Bug") == (
        "cf_root-cause=Bug&cf_vip=true"
    )


def test_the_report_counts_tickets_per_value(agent_client, make_ticket, root_cause):
    for value in ("Bug", "Bug", "Question", ""):
        ticket = make_ticket()
        if value:
            ticket.set_field_values({root_cause: value})
    report = customfields.report(30)
    [row] = report["fields"]
    assert [(v["value"], v["tickets"], v["share"]) for v in row["values"]] == [
        ("Bug", 2, 50),
        ("Question", 1, 25),
    ]
    assert row["empty"] == 1
    html = agent_client.get("/admin/tickets/customfield/report/").content.decode()
    assert "Root cause" in html and "?status__exact=all&amp;cf_root-cause=Bug" in html
    assert agent_client.get("/admin/tickets/customfield/report/?days=x").status_code == 200


def test_who_may_define_fields_and_tags(client, agent, lead, editor):
    for user, can_add in ((agent, False), (lead, True)):
        client.force_login(user)
        assert client.get("/admin/tickets/customfield/").status_code == 200
        assert client.get("/admin/tickets/customfield/add/").status_code == (
            200 if can_add else 403
        )
        assert client.get("/admin/tickets/customfield/report/").status_code == 200
        assert client.get("/admin/tickets/tag/").status_code == 200
    client.force_login(editor)
    assert client.get("/admin/tickets/customfield/report/").status_code == 403
    assert client.get("/admin/tickets/tag/").status_code == 403
    lead_client = Client()
    lead_client.force_login(lead)
    response = lead_client.post(
        "/admin/tickets/customfield/add/",
        {"label": "Seats", "key": "seats", "kind": "number", "choices": "x", "position": 0},
    )
    assert "Only a dropdown has choices" in response.content.decode()
    assert not CustomField.objects.exists()


def test_values_live_in_their_own_table(make_ticket, root_cause):
    ticket = make_ticket()
    ticket.set_field_values({root_cause: "Bug"})
    ticket.set_field_values({root_cause: ""})
    assert not CustomFieldValue.objects.exists()
    assert ticket.events.filter(field="Root cause").count() == 2
    assert Tag.objects.count() == 0


HOSTILE = ["", "\x00", "x" * 10_000, "' OR 1=1 --", "é" * 300, "99999999999999999999", ",,, ,"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_the_new_staff_views_never_fail(
    agent_client, make_ticket, root_cause, value
):
    ok = (lambda code: code == 400) if "\x00" in value else (lambda code: code < 400)
    ticket = make_ticket()
    assert ok(agent_client.get(f"{CHANGELIST}tags/", {"add_tags": value}).status_code)
    assert ok(agent_client.get(f"{CHANGELIST}tags/", {"tags": value}).status_code)
    params = {"tag": value, "cf_root-cause": value, "q": value}
    assert ok(agent_client.get(CHANGELIST, params).status_code)
    # A field nobody defined is no declared filter: refused (core.web.admin_lookups).
    assert agent_client.get(CHANGELIST, {"cf_nope": value}).status_code == 400
    assert ok(agent_client.get("/admin/tickets/customfield/report/", {"days": value}).status_code)
    posted = agent_client.post(
        change_url(ticket),
        form_data(ticket, add_tags=value, current_tags=[value], **{"cf_root-cause": value}),
    )
    assert ok(posted.status_code)
    bulk = {"action": "add_tags", "_selected_action": [ticket.pk], "tags": value}
    assert ok(agent_client.post(CHANGELIST, bulk).status_code)
