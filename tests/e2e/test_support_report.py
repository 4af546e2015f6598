"""The support reports in a real browser, as a support lead reads them: charts with names,
the period and the breakdown switched, a custom range refused with a message, a number
that leads to its tickets, the CSV files; axe and the Nu Html Checker at zero; no CSP
violation."""

import random
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import sync_roles
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.vnu import html_errors
from tests.insights.conftest import at
from tickets import services
from tickets.models import AgentGroup, SatisfactionRating, Ticket

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Lead-pass-123"


@pytest.fixture
def lead(db):
    sync_roles(django_apps)
    user = get_user_model().objects.create_user(
        "lead", "lead@example.com", PASSWORD, is_staff=True, first_name="Lee", last_name="Ward"
    )
    user.groups.add(Group.objects.get(name="Support leads"))
    return user


@pytest.fixture
def desk(site, lead):
    """Sixty tickets over 30 days: answered after a few hours, most solved, some rated."""
    rng = random.Random(25)
    today = timezone.localdate()
    groups = [AgentGroup.objects.create(name=name) for name in ("Billing", "API")]
    for n in range(60):
        opened = at(today - timedelta(days=rng.randint(0, 29)), 9, rng.randint(0, 59))
        ticket = services.create_ticket(
            Ticket(email=f"c{n}@example.com", subject=f"Problem {n}", description="It fails.")
        )
        ticket.created_at = ticket.waiting_since = ticket.status_changed_at = opened
        ticket.channel = rng.choice(["web", "email"])
        ticket.group = rng.choice([*groups, None])
        ticket.assignee = lead if n % 3 else None
        ticket.recompute_sla()
        ticket.save()
        replied = opened + timedelta(minutes=rng.randint(10, 600))
        ticket.record_staff_reply(by=lead, now=replied)
        if rng.random() < 0.7:
            ticket.transition("resolved", by=lead, now=replied + timedelta(hours=1))
            if rng.random() < 0.5:
                rating = "good" if rng.random() < 0.8 else "bad"
                SatisfactionRating.objects.create(ticket=ticket, rating=rating, agent=lead)
        if n % 7 == 0:
            ticket.change_tags(add="refund")


def test_a_lead_reads_the_reports_and_follows_a_number(
    page: Page, site, lead, desk, tmp_path, csp_violations
):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Support reports").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Support reports")
    period = page.get_by_role("navigation", name="Period")
    expect(period.get_by_role("link", name="Last 30 days")).to_have_attribute(
        "aria-current", "page"
    )
    expect(
        page.get_by_role("img", name="Tickets created and solved per day", exact=False)
    ).to_be_visible()
    expect(page.get_by_role("img", name="Unfinished tickets", exact=False)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "support-reports-30-days-1280")
    (tmp_path / "reports-30.html").write_text(page.content())

    # The breakdown by group, then a custom range that ends before it starts.
    page.get_by_role("navigation", name="Breakdown").get_by_role("link", name="Group").click()
    expect(page.get_by_role("heading", name="By group")).to_be_visible()
    breakdown = page.get_by_role("table", name="Tickets by group", exact=False)
    expect(breakdown.get_by_role("row", name="Billing", exact=False)).to_be_visible()
    today = timezone.localdate()
    page.get_by_label("From", exact=True).fill(today.isoformat())
    page.get_by_label("To", exact=True).fill((today - timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("The last day comes before the first day")
    assert_accessible(page)
    screenshot(page, "support-reports-bad-range-1280")
    (tmp_path / "reports-error.html").write_text(page.content())

    # A valid custom range, then the number of tickets created leads to those tickets.
    page.get_by_label("From", exact=True).fill((today - timedelta(days=6)).isoformat())
    page.get_by_label("To", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    created = page.locator("dt:text-is('Created') + dd a.insights-figure")
    count = int(created.inner_text())
    assert count > 0
    with page.expect_download() as download:
        section = page.locator("section", has=page.get_by_role("heading", name="By group"))
        section.get_by_role("link", name="Download this table (CSV)").click()
    lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Group,Created,Solved")
    created.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tickets")
    expect(page.locator("#result_list tbody tr")).to_have_count(count)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    exported = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert len(exported) == count + 1

    assert csp_violations == []
    assert html_errors(tmp_path) == []
