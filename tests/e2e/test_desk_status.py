"""An open incident at the top of the support queue and the ticket page, in a real browser:
named, its state and the affected components said, the incident a link away; axe clean, no
CSP violation (artifacts/screenshots/desk-status-*.png)."""

import re

import pytest
from playwright.sync_api import Page, expect

from status import services as status_services
from status.models import Component
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_desk import make
from tests.e2e.test_tickets import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_agents_see_the_open_incident_in_the_queue_and_on_the_ticket(
    page: Page, site, agent_user, csp_violations
):
    page.set_viewport_size({"width": 1280, "height": 900})
    api = Component.objects.create(name="API", slug="api-e2e")
    status_services.open_incident(
        name="Elevated API errors",
        impact="major",
        body="Requests to the API fail for some customers; we are investigating.",
        components={api: "partial_outage"},
    )
    ticket = make(1, subject="Every request returns 502")
    log_in(page, site)

    page.goto(f"{site}/admin/tickets/ticket/")
    banner = page.get_by_role("region", name=re.compile("Platform status"))
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Partial System Outage")
    expect(banner).to_contain_text("Investigating, major impact")
    expect(banner).to_contain_text("Affected: API")
    screenshot(page, "desk-status-queue")
    assert_accessible(page)

    page.goto(f"{site}/admin/tickets/ticket/{ticket.pk}/change/")
    banner = page.get_by_role("region", name=re.compile("Platform status"))
    expect(banner).to_contain_text("Elevated API errors")
    screenshot(page, "desk-status-ticket")
    assert_accessible(page)

    banner.get_by_role("link", name="Elevated API errors").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Elevated API errors")
    assert csp_violations == []
