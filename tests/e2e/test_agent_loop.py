"""An agent's loop in a real browser, by keyboard only: the queue -> a ticket -> a macro
fills the reply -> send and next -> the next ticket of the same view. Also the reply box's
two audiences, the "?" dialog, and axe on the queue, ticket and macro pages."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_tickets import log_in
from tickets import services
from tickets.models import Macro, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def make(n, **kw):
    return services.create_ticket(
        Ticket(
            name=kw.pop("name", f"Customer {n}"),
            email=f"customer{n}@example.com",
            subject=kw.pop("subject", f"Problem number {n} with the API"),
            description=f"Description {n}.",
            **kw,
        )
    )


def test_an_agents_loop_by_keyboard(page: Page, site, agent_user, csp_violations):
    page.set_viewport_size({"width": 1280, "height": 800})
    urgent = [make(n, priority=4, name=f"Ada {n}") for n in range(3)]
    make(9, priority=1, subject="A low one, outside the view")
    long = make(10, priority=4, subject="A long subject " * 12)
    agent_user.last_name = "Rivera-Montgomery"
    agent_user.save()
    long.change_triage(by=agent_user, assignee=agent_user)
    long.transition("pending")
    Macro.objects.create(
        title="Ask for the request ID",
        body="Hi {{ customer.first_name }}, please send the request ID. — {{ agent.name }}",
        set_priority=3,
    )
    log_in(page, site)
    page.goto(site + "/admin/tickets/ticket/?priority__exact=4")
    expect(page.get_by_role("link", name=re.compile("Unassigned, urgent"))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "agent-queue-1280")
    # The queue fits: no horizontal scrolling at 1280 px with the sidebar open, the page's
    # or the list's own (the admin scrolls a wide list inside its box).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    fits = "(e => e.scrollWidth <= e.clientWidth)(document.querySelector('#changelist-form'))"
    assert page.evaluate(fits)
    page.goto(site + "/admin/tickets/ticket/?status__exact=all")
    assert page.evaluate(fits)
    page.goto(site + "/admin/tickets/ticket/?priority__exact=4")

    # "?" lists the shortcuts in a dialog; Escape closes it.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # j moves to the first row, Enter opens it.
    page.keyboard.press("j")
    first_ref = page.locator("#result_list tbody tr.is-current .field-reference").inner_text()
    page.keyboard.press("Enter")
    expect(page.locator(".ticket-details")).to_contain_text(first_ref)
    expect(page.get_by_role("button", name="Send to customer")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "agent-ticket-1280")

    # i: an internal note looks different and its button says so; r: back to the customer.
    page.keyboard.press("i")
    expect(page.get_by_role("button", name="Add note")).to_be_visible()
    expect(page.get_by_role("button", name="Send to customer")).to_have_count(0)
    screenshot(page, "agent-ticket-note-1280")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(page.get_by_role("button", name="Send to customer")).to_be_visible()
    page.keyboard.press("Escape")

    # m: the macro picker; Enter applies the macro, which fills the box for review.
    page.keyboard.press("m")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    box = page.get_by_label("Message to the customer")
    expect(box).to_have_value("Hi Ada, please send the request ID. — Sam Rivera-Montgomery")
    expect(box).to_be_focused()
    expect(page.get_by_label("Priority")).to_have_value("3")
    ticket = Ticket.objects.get(reference=first_ref)
    assert ticket.priority == 4  # nothing is changed until the agent sends

    # Esc, then n: send and next.
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    expect(page.locator(".messagelist")).to_contain_text("here is the next ticket")
    ticket.refresh_from_db()
    assert ticket.priority == 3 and ticket.status == "pending"
    assert ticket.messages.filter(author_kind="staff", is_internal=False).exists()
    next_ref = page.locator(".ticket-details dd").first.inner_text()
    assert next_ref != first_ref
    assert Ticket.objects.get(reference=next_ref).priority == 4  # same view
    assert "_changelist_filters=priority__exact%3D4" in page.url

    # a: assign to me.
    page.keyboard.press("a")
    expect(page.locator(".messagelist")).to_contain_text("is assigned to you")
    assert Ticket.objects.get(reference=next_ref).assignee == agent_user
    assert {t.pk for t in urgent} & {Ticket.objects.get(reference=next_ref).pk}
    assert csp_violations == []


def test_macro_pages_are_accessible(page: Page, site, agent_user):
    Macro.objects.create(title="Thanks", body="Thanks, {{ customer.first_name }}!")
    log_in(page, site)
    page.goto(site + "/admin/tickets/macro/")
    expect(page.get_by_role("link", name="Thanks")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Thanks").click()
    expect(page.get_by_label("Only for me")).to_be_visible()
    assert_accessible(page)
