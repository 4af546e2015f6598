"""The help-desk pieces in a real browser: an agent tags a ticket (the tag suggested as they
type) and watches a rule fire on the save; every new admin page passes axe, with
screenshots (artifacts/screenshots/desk-*.png)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_tickets import log_in
from tickets import services
from tickets.models import (
    AgentGroup,
    CustomField,
    Organization,
    SupportPlan,
    Ticket,
    Trigger,
    TriggerAction,
    TriggerCondition,
)

pytestmark = pytest.mark.django_db(transaction=True)


def make(n, **kw):
    return services.create_ticket(
        Ticket(
            name=kw.pop("name", f"Customer {n}"),
            email=kw.pop("email", f"customer{n}@example.com"),
            subject=kw.pop("subject", f"Problem number {n} with the API"),
            description=kw.pop("description", f"Description {n}."),
            **kw,
        )
    )


def vip_rule():
    rule = Trigger.objects.create(name="VIP customers", runs_on="updated", position=1)
    TriggerCondition.objects.create(trigger=rule, field="tags", operator="any", value="vip")
    TriggerAction.objects.create(trigger=rule, action="priority", value="3")
    TriggerAction.objects.create(
        trigger=rule,
        action="note",
        text="{{ customer.name }} is a VIP: answer within the hour.",
    )
    return rule


def test_an_agent_tags_a_ticket_and_watches_a_rule_fire(
    page: Page, site, agent_user, csp_violations
):
    page.set_viewport_size({"width": 1280, "height": 900})
    vip_rule()
    make(1, subject="Earlier VIP ticket").change_tags(add="vip")
    ticket = make(2, name="Ada Lovelace", subject="Streaming stops after 30 seconds")
    log_in(page, site)
    page.goto(f"{site}/admin/tickets/ticket/{ticket.pk}/change/")
    box = page.get_by_label("Add tags")
    box.fill("v")
    box.press_sequentially("i")
    # htmx completes the tag typed from the tags in use.
    expect(page.locator("#tag-suggestions option[value='vip']")).to_have_count(1)
    box.fill("vip")
    screenshot(page, "desk-ticket-tagging")
    page.get_by_role("button", name="Save changes").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("link", name=ticket.reference, exact=True).click()
    expect(page.get_by_role("checkbox", name="vip")).to_be_checked()
    expect(page.get_by_label("Priority")).to_have_value("3")
    history = page.locator(".ticket-history")
    expect(history).to_contain_text("Trigger 'VIP customers' set priority High")
    expect(history).to_contain_text("trigger: VIP customers")
    expect(page.locator(".ticket-message--internal")).to_contain_text(
        "Ada Lovelace is a VIP: answer within the hour."
    )
    ticket.refresh_from_db()
    assert ticket.priority == 3 and ticket.tag_names() == ["vip"]
    assert_accessible(page)
    screenshot(page, "desk-ticket-after-rule")

    # The queue filters by the tag and shows it on the row.
    page.goto(f"{site}/admin/tickets/ticket/?tag=vip")
    expect(page.locator("#result_list .queue-tag").first).to_have_text("vip")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    assert_accessible(page)
    screenshot(page, "desk-queue-tag")
    assert csp_violations == []


def _lead():
    lead = get_user_model().objects.create_user(
        "lead", "lead@example.com", "Lead-pass-123", is_staff=True, first_name="Lee"
    )
    lead.groups.add(Group.objects.get(name="Support leads"))
    return lead


def test_the_new_admin_pages_are_accessible(page: Page, site, agent_user, csp_violations):
    page.set_viewport_size({"width": 1280, "height": 900})
    _lead()
    plan = SupportPlan.objects.create(name="Enterprise", default_priority=3)
    plan.targets.create(kind="first_response", priority=3, hours=1)
    acme = Organization.objects.create(name="Acme", plan=plan, notes="Key account.")
    acme.domains.create(domain="acme.com")
    acme.members.create(email="contractor@gmail.com", name="Cy")
    billing = AgentGroup.objects.create(name="Billing", assignment="round_robin")
    billing.members.add(agent_user)
    root = CustomField.objects.create(
        label="Root cause",
        key="root-cause",
        kind="dropdown",
        choices="Bug\nQuestion",
        required_to_resolve=True,
    )
    CustomField.objects.create(label="Seats", key="seats", kind="number", shown_to_customers=True)
    rule = vip_rule()
    for n in range(3):
        ticket = make(n, email=f"person{n}@acme.com", group=billing)
        ticket.set_field_values({root: "Bug"})
        ticket.change_tags(add="vip api")
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill("Lead-pass-123")
    page.get_by_role("button", name="Log in").click()
    pages = {
        "desk-tags": "/admin/tickets/tag/",
        "desk-fields": "/admin/tickets/customfield/",
        "desk-field-change": f"/admin/tickets/customfield/{root.pk}/change/",
        "desk-field-add": "/admin/tickets/customfield/add/",
        "desk-field-report": "/admin/tickets/customfield/report/",
        "desk-organizations": "/admin/tickets/organization/",
        "desk-organization": f"/admin/tickets/organization/{acme.pk}/change/",
        "desk-plans": "/admin/tickets/supportplan/",
        "desk-plan": f"/admin/tickets/supportplan/{plan.pk}/change/",
        "desk-groups": "/admin/tickets/agentgroup/",
        "desk-group": f"/admin/tickets/agentgroup/{billing.pk}/change/",
        "desk-triggers": "/admin/tickets/trigger/",
        "desk-trigger": f"/admin/tickets/trigger/{rule.pk}/change/",
        "desk-trigger-add": "/admin/tickets/trigger/add/",
        "desk-trigger-dry-run": f"/admin/tickets/trigger/{rule.pk}/dry-run/",
        "desk-queue": "/admin/tickets/ticket/?group=mine",
        "desk-ticket": f"/admin/tickets/ticket/{Ticket.objects.first().pk}/change/",
        "desk-form": "/support/",
    }
    for name, path in pages.items():
        response = page.goto(site + path)
        assert response.status == 200, path
        assert_accessible(page)
        screenshot(page, name)
    # The ticket page shows the organization's other tickets and the required field.
    page.goto(site + pages["desk-ticket"])
    expect(page.locator("#side-organization")).to_contain_text("Acme’s other tickets")
    expect(page.get_by_label("Root cause")).to_have_value("Bug")
    assert csp_violations == []
