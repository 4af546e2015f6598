"""The staff workspace in a real browser (issue 25, items 6-10): SLA countdowns that count
without a reload, the queue and the satisfaction list fitting 1280 px with the sidebar open,
presence reaching the other agent within 3 s, a stale save explained in one notice. Screenshots
in artifacts/screenshots/workspace-*.png."""

import re
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


def second_agent():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    kim = get_user_model().objects.create_user(
        "kim", "kim@example.com", "Kim-pass-123", is_staff=True, first_name="Kim", last_name="Lee"
    )
    kim.groups.add(Group.objects.get(name="Support agents"))
    return kim


def log_in_as(page, site, username, password):
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Tickets")).to_be_visible()


def test_two_agents_see_each_other_within_3_seconds_and_a_stale_save_is_explained(
    page: Page, browser, site, agent_user, csp_violations
):
    page.set_viewport_size({"width": 1280, "height": 900})
    second_agent()
    ticket = make(1, name="Dana Whitfield", subject="Streaming stops after 30 seconds")
    url = f"{site}/admin/tickets/ticket/{ticket.pk}/change/"
    log_in(page, site)
    page.goto(url)
    kim_context = browser.new_context(viewport={"width": 1280, "height": 900})
    kim = kim_context.new_page()
    log_in_as(kim, site, "kim", "Kim-pass-123")
    kim.goto(url)
    presence = page.locator("#presence")
    expect(presence).to_contain_text("Kim Lee is viewing", timeout=3000)

    # Kim starts typing: Sam reads "is replying" within 3 s.
    kim.get_by_label("Message").fill("Which key do you use?")
    kim.get_by_label("Message").press("End")
    kim.get_by_label("Message").press_sequentially(" Thanks")
    expect(presence).to_contain_text("Kim Lee is replying", timeout=3000)
    # Kim asks the customer and sends: Sam reads "just replied" within 3 s.
    kim.get_by_label("Status").select_option("pending")
    kim.get_by_role("button", name="Send to customer").click()
    expect(kim.locator(".messagelist")).to_contain_text("Sent to the customer")
    expect(presence).to_contain_text("Kim Lee just replied", timeout=3000)
    expect(presence.get_by_role("link", name="reload to read it")).to_be_visible()
    screenshot(page, "workspace-presence-just-replied")
    # After sending, Kim's page shows the message just sent.
    sent = kim.locator(".ticket-message:target")
    expect(sent).to_contain_text("Which key do you use? Thanks")
    expect(sent).to_be_in_viewport()
    kim_context.close()

    # Sam, on the page as it was, sends anyway: one notice naming who changed what.
    page.get_by_label("Message").fill("Try the new key.")
    page.get_by_role("button", name="Send to customer").click()
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("Kim Lee replied")
    expect(notice).to_contain_text("Kim Lee set the status to Pending customer")
    expect(page.get_by_text("Select a valid choice")).to_have_count(0)
    expect(page.get_by_text("Please correct the error")).to_have_count(0)
    expect(page.get_by_label("Message")).to_have_value("Try the new key.")
    screenshot(page, "workspace-stale-notice")
    assert_accessible(page)
    assert csp_violations == []


def test_merge_confirmation_and_times_in_the_agents_zone(
    page: Page, site, agent_user, csp_violations
):
    from tickets.models import AgentPreference

    page.set_viewport_size({"width": 1280, "height": 900})
    AgentPreference.objects.create(user=agent_user, time_zone="America/New_York")
    first = make(1, email="ada@example.com", name="Ada")
    first.transition("pending")
    make(2, email="ada@example.com", name="Ada", subject="Still no stream")
    log_in(page, site)
    page.goto(site + "/admin/tickets/ticket/?q=ada%40example.com")
    expect(page.get_by_role("heading", name="Tickets", exact=True)).to_be_visible()
    page.locator("#action-toggle").check()
    page.get_by_label("Action:").select_option("merge")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_role("checkbox", name="Tell the customer where")).to_be_checked()
    # Times in the agent's own zone, the zone named.
    opened = re.compile(r"opened \d{4}-\d\d-\d\d \d\d:\d\d E[SD]T")
    expect(page.get_by_text(opened).first).to_be_visible()
    screenshot(page, "workspace-merge-confirm")
    assert_accessible(page)
    page.get_by_role("radio", name=first.reference).check()
    page.get_by_role("button", name="Merge 2 tickets").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"{first.reference} stays Pending customer."
    )
    expect(page.locator(".messagelist")).to_contain_text("The customer is told by email")
    first.refresh_from_db()
    assert first.status == "pending"
    assert csp_violations == []
