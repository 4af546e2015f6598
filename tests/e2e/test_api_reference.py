"""The API's reference page in a real browser: no CSP violation, axe finds nothing, and it
reads at phone width; plus the HTML checker's view of it (test_html_checker)."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reference_page_is_accessible_and_within_the_csp(page: Page, site, csp_violations):
    page.goto(site + "/api/v1/docs/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Help center API")
    page.get_by_role("link", name="POST /api/v1/tickets/").first.click()
    expect(page).to_have_url(site + "/api/v1/docs/#ticket_create")
    expect(page.get_by_role("link", name="OpenAPI 3.1 (JSON)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "api-reference-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "api-reference-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_violations == []
