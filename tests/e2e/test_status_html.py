"""The status pages validate in the states people see them in, not only the demo's calm one:
an incident opened and updated from the command line (times with microseconds), a
maintenance, a postmortem and a long history (issue 25, item 15)."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from status import services
from status.models import Incident
from tests.e2e.test_html_checker import fetch
from tests.e2e.vnu import html_errors

pytestmark = pytest.mark.django_db(transaction=True)


def lived_in_status():
    """What a few months of a status page leave behind. Returns the pages to check."""
    call_command("status", "import", "content/status", stdout=StringIO())
    call_command(
        "status", "incident", "open", "Slow uploads", "--body", "We are looking into it.",
        "--impact", "major", "--component", "api=partial_outage", stdout=StringIO(),
    )  # fmt: skip
    live = Incident.objects.get(name="Slow uploads")
    call_command(
        "status", "incident", "update", live.code, "--status", "identified",
        "--body", "A full disk.", stdout=StringIO(),
    )  # fmt: skip
    start = timezone.now() + timedelta(days=2, microseconds=123456)
    call_command(
        "status", "maintenance", "schedule", "Database upgrade", "--start", start.isoformat(),
        "--end", (start + timedelta(hours=2)).isoformat(), "--body", "Read-only for a while.",
        stdout=StringIO(),
    )  # fmt: skip
    now = timezone.now()
    for n in range(30):  # about one incident every ten days, going back ten months
        at = now - timedelta(days=10 * n + 3, microseconds=n * 1111)
        incident = services.open_incident(
            name=f"Past incident {n}", body="Errors.", at=at, notify_subscribers=False
        )
        services.resolve_incident(
            incident=incident, body="Fixed.", at=at + timedelta(hours=1), notify_subscribers=False
        )
    services.publish_postmortem(
        incident=incident, body="## What happened\n\nA disk filled.", notify_subscribers=False
    )
    month = f"{now - timedelta(days=40):%Y-%m}"
    return (
        ["/status/", "/history/", "/embed/frame", "/", f"/history/?month={month}"]
        + ["/status/subscribe/"]
        + [
            i.get_absolute_url()
            for i in Incident.objects.filter(name__in=["Slow uploads", "Database upgrade"])
        ]
        + [incident.get_absolute_url()]
    )


def test_status_pages_in_use_have_no_html_errors(site, tmp_path):
    paths = lived_in_status()
    for i, path in enumerate(paths):
        (tmp_path / f"page-{i:02d}.html").write_text(fetch(site + path))
    status_page = (tmp_path / "page-00.html").read_text()
    assert "Slow uploads" in status_page and "Database upgrade" in status_page
    names = {f"page-{i:02d}.html": path for i, path in enumerate(paths)}
    errors = [f"{names.get(e.split(':')[0])}: {e}" for e in html_errors(tmp_path)]
    assert errors == [], "\n".join(errors)


def test_times_are_in_the_readers_zone_with_utc_on_hover(site, browser):
    from playwright.sync_api import expect

    from tests.e2e.conftest import assert_accessible, screenshot

    call_command("status", "import", "content/status", stdout=StringIO())
    at = datetime(2026, 1, 15, 14, 5, 7, 123456, tzinfo=UTC)  # winter: New York is UTC-5
    incident = services.open_incident(
        name="Slow uploads", body="Looking.", at=at, notify_subscribers=False
    )
    utc = "15 Jan 2026, 14:05 UTC"
    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in ("/status/", incident.get_absolute_url()):
        page.goto(site + path)
        shown = page.locator("time[data-local-time]").first
        expect(shown).to_have_attribute("title", utc)
        expect(shown).to_contain_text("09:05 AM")
        expect(shown).to_contain_text("EST")
    screenshot(page, "status-incident-local-time")
    assert_accessible(page)
    assert errors == []  # nothing blocked by the CSP
    context.close()
    quiet = browser.new_context(timezone_id="America/New_York", java_script_enabled=False)
    page = quiet.new_page()
    page.goto(site + incident.get_absolute_url())
    expect(page.locator("time[data-local-time]").first).to_have_text(utc)  # without JavaScript
    quiet.close()


def test_subscribing_and_history_by_month_read_well(site, page):
    from playwright.sync_api import expect

    from tests.e2e.conftest import assert_accessible, screenshot

    lived_in_status()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + "/status/subscribe/")
    form = page.get_by_role("region", name="By email")
    boxes = form.get_by_role("checkbox", name=re.compile(".")).all()
    assert boxes and all(box.is_checked() for box in boxes[:-1])  # the last: status changes
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "status-subscribe-390")
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/history/")
    page.get_by_label("Month").select_option(index=1)
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".history-month")).to_have_count(1)
    page.get_by_role("link", name=re.compile("→$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uptime history: ")
    screenshot(page, "status-history-month")
    assert_accessible(page)
