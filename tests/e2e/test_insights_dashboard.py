"""The dashboard in a real browser, as the support lead reads it: charts with names, the
period switch, the figures' links; axe and the Nu Html Checker at zero; no CSP violation."""

import random
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import sync_roles
from insights import recording
from kb.models import Feedback, Guide
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.vnu import html_errors
from tests.insights.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Lead-pass-123"
WORDS = ["api key", "billing required", "sso setup", "webhooks retry", "rate limit", "saml"]


@pytest.fixture
def lead(db):
    sync_roles(django_apps)
    user = get_user_model().objects.create_user("lead", "lead@example.com", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Support leads"))
    return user


@pytest.fixture
def activity(site):
    rng = random.Random(15)
    today = timezone.localdate()
    for n in range(90):
        day = today - timedelta(days=n)
        for i in range(rng.randint(3, 12)):
            text = rng.choice(WORDS)
            results = 0 if text == "saml" or rng.random() < 0.1 else rng.randint(1, 9)
            recording.record_search(text=text, total=results, now=at(day, 8, i))
            if results and rng.random() < 0.5:
                recording.record_open(text=text, now=at(day, 8, i + 1))
    guide_type = ContentType.objects.get_for_model(Guide)
    for n, guide in enumerate(Guide.objects.order_by("pk")[:4]):
        for v in range(n + 2):
            Feedback.objects.create(
                content_type=guide_type, object_id=guide.pk, voter=f"{n}-{v}", helpful=v % 3 != 0
            )


def sign_in(page, site):
    page.goto(site + "/admin/login/?next=/admin/insights/dashboard/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_dashboard_reads_well_and_switches_period(
    page: Page, site, lead, activity, tmp_path, csp_violations
):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, site)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    period = page.get_by_role("navigation", name="Period")
    expect(period.get_by_role("link", name="Last 30 days")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("img", name="Searches per day", exact=False)).to_be_visible()
    expect(
        page.get_by_role("img", name="Zero-result rate and click-through rate per day", exact=False)
    ).to_be_visible()
    assert_accessible(page)
    screenshot(page, "insights-dashboard-30-days-1280")
    (tmp_path / "dashboard-30.html").write_text(page.content())

    period.get_by_role("link", name="Last 7 days").click()
    expect(period.get_by_role("link", name="Last 7 days")).to_have_attribute("aria-current", "page")
    page.locator("summary", has_text="Day by day").click()  # the charts' table
    table = page.get_by_role("table", name="Searches per day", exact=False)
    expect(table.get_by_role("row")).to_have_count(8)  # a header and 7 days
    assert_accessible(page)
    screenshot(page, "insights-dashboard-7-days-1280")

    period.get_by_role("link", name="Last 90 days").click()
    assert_accessible(page)
    (tmp_path / "dashboard-90.html").write_text(page.content())

    # A content gap leads to its searches, all of which found nothing.
    gaps = page.locator("section", has=page.get_by_role("heading", name="Top content gaps"))
    gaps.get_by_role("row", name="saml").get_by_role("link").nth(1).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("search event")
    results = page.locator("#result_list tbody tr")
    assert results.count() > 0
    assert set(results.locator(".field-results").all_inner_texts()) == {"0"}
    (tmp_path / "events.html").write_text(page.content())

    assert csp_violations == []
    assert html_errors(tmp_path) == []
