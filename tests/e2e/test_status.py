"""Platform status in a real browser: the page, the embed script on a foreign strict-CSP page,
the iframe embed, with axe on each and screenshots to look at."""

import re
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from status.importer import import_status
from status.models import Component
from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

STATUS_CONTENT = Path(__file__).resolve().parents[2] / "content" / "status"


@pytest.fixture
def status_site(site):
    report = import_status(STATUS_CONTENT)
    assert not report.errors
    return site


class HostPage(BaseHTTPRequestHandler):
    """Another site, on another origin, whose CSP allows only the help center for script
    and connect: nothing inline, no styles at all."""

    def __init__(self, *args, help_center, body, **kwargs):
        self.help_center, self.body = help_center, body
        super().__init__(*args, **kwargs)

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src {self.help_center}; connect-src {self.help_center}; "
            f"frame-src {self.help_center}",
        )
        self.end_headers()
        self.wfile.write(self.body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def host_page():
    servers = []

    def serve(help_center, body):
        handler = partial(HostPage, help_center=help_center, body=body)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def host_html(body):
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Acme dashboard</title>'
        f"</head><body><main><h1>Acme dashboard</h1>{body}</main></body></html>"
    )


def test_status_page(page: Page, status_site, csp_violations):
    page.goto(status_site + "/status/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform status")
    banner = page.get_by_role("link", name="Platform status: All Systems Operational")
    expect(banner).to_be_visible()
    expect(page.locator(".status-overall")).to_have_text("All Systems Operational")
    api_bars = re.compile(r"^API, last 90 days: 99\.\d\d% uptime; 4 Nov 2026: partial outage$")
    expect(page.get_by_role("img", name=api_bars)).to_be_visible()
    expect(page.get_by_role("img", name="OpenAI models, last 90 days", exact=False)).to_be_hidden()
    group = page.locator("summary", has_text="Model providers")
    group.focus()
    page.keyboard.press("Enter")  # groups open from the keyboard
    expect(page.get_by_role("img", name="OpenAI models, last 90 days", exact=False)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "status-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "status-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_violations == []


def test_status_page_with_an_open_incident_and_the_banner(page: Page, status_site, csp_violations):
    from status import services

    api = Component.objects.get(slug="api")
    services.open_incident(
        name="Elevated error rates on the API", impact="major", body="We are investigating.",
        components={api: "partial_outage"},
    )  # fmt: skip
    page.goto(status_site + "/status/")
    expect(page.get_by_role("alert")).to_contain_text("Platform status: Partial System Outage")
    expect(page.get_by_role("heading", name="Active incidents")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "status-incident-1280")
    page.goto(status_site + "/runbooks/streaming-response-fails/")
    assert csp_violations == []


def test_embed_script_on_a_strict_csp_page_from_another_origin(
    page: Page, status_site, host_page, csp_violations
):
    page.set_viewport_size({"width": 640, "height": 240})
    script = f'<script src="{status_site}/embed/status.js" async></script>'
    url = host_page(
        status_site, host_html(f"<p>Our platform: <span data-helpcenter-status></span></p>{script}")
    )
    assert urlsplit(url).netloc != urlsplit(status_site).netloc  # another origin
    page.goto(url)
    link = page.get_by_role("link", name="Platform status: All Systems Operational")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", f"{status_site}/status/")
    expect(page.get_by_role("status")).to_have_attribute("data-indicator", "none")
    colour = link.evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(20, 108, 46)", colour  # styled through the CSSOM, which CSP allows
    assert_accessible(page)
    screenshot(page, "embed-script-host")

    # A status change shows when the tab becomes visible again (and every minute while it is).
    Component.objects.get(slug="api").set_status("major_outage")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.get_by_role("link", name="Platform status: Partial System Outage")).to_be_visible()
    screenshot(page, "embed-script-host-outage")
    assert csp_violations == []


def test_embed_frame_on_an_allowed_origin(
    page: Page, status_site, host_page, settings, csp_violations
):
    page.set_viewport_size({"width": 640, "height": 240})
    page.goto(status_site + "/embed/frame")
    expect(page.get_by_role("link", name="All Systems Operational")).to_be_visible()
    assert_accessible(page)

    frame = (
        f'<iframe src="{status_site}/embed/frame" title="Platform status" width="320" height="48">'
        "</iframe>"
    )
    url = host_page(status_site, host_html(frame))
    settings.STATUS_EMBED_FRAME_ANCESTORS = [url.rstrip("/")]
    page.goto(url)
    inner = page.frame_locator("iframe")
    expect(inner.get_by_role("link", name="All Systems Operational")).to_be_visible()
    screenshot(page, "embed-frame-host")

    # The frame keeps itself current: a change shows when the tab is visible again (and every
    # minute while it is), in the same live region, without reloading the frame.
    Component.objects.get(slug="api").set_status("major_outage")
    embedded = page.locator("iframe").element_handle().content_frame()
    embedded.evaluate("window.stayed = true; document.dispatchEvent(new Event('visibilitychange'))")
    link = inner.get_by_role("status").get_by_role("link", name="Partial System Outage")
    expect(link).to_be_visible()
    assert embedded.evaluate("window.stayed") is True
    screenshot(page, "embed-frame-host-outage")
    assert csp_violations == []


def test_embed_frame_is_refused_by_other_origins(
    page: Page, status_site, host_page, csp_violations
):
    frame = f'<iframe src="{status_site}/embed/frame" title="Platform status"></iframe>'
    page.goto(host_page(status_site, host_html(frame)))
    page.wait_for_timeout(500)
    assert page.frame_locator("iframe").get_by_role("link").count() == 0
    assert any("frame-ancestors" in message for message in csp_violations)


def test_subscribe_confirm_choose_and_leave(page: Page, status_site, settings, csp_violations):
    """The whole email subscription as a person does it: the form on /status/, the link in
    the confirmation email, choosing components, unsubscribing. Plain forms and links."""
    from django.core import mail

    settings.SITE_URL = status_site  # links in emails point at this server
    page.goto(status_site + "/status/")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Email address").press("Enter")
    # The shared, cached status page holds no CSRF token: the address goes on to the
    # subscribe page, where the components are chosen and the subscription is sent.
    expect(page.locator("#id_email-email")).to_have_value("ada@example.com")
    page.get_by_role("button", name="Subscribe by email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert_accessible(page)
    [confirmation] = mail.outbox
    link = re.search(r"http://\S+/status/subscribe/confirm/\S+/", confirmation.body)[0]
    page.goto(link)
    page.get_by_role("button", name="Confirm subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    # Every component is chosen until the subscriber narrows it down.
    expect(page.get_by_role("main")).to_contain_text("Incidents and maintenance of every component")
    page.get_by_role("link", name="Change what you hear about").click()
    expect(page.get_by_role("checkbox", name="API", exact=True)).to_be_checked()
    page.get_by_role("checkbox", name="API", exact=True).uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("main").get_by_role("status")).to_have_text("Your choices are saved.")
    expect(page.get_by_role("checkbox", name="API", exact=True)).not_to_be_checked()
    assert_accessible(page)
    screenshot(page, "status-subscription-manage")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")

    page.goto(status_site + "/status/subscribe/")
    page.get_by_label("Webhook URL").fill("http://127.0.0.1/hook")
    page.get_by_role("button", name="Register the webhook").click()
    expect(page.get_by_text("local, private, link-local and reserved addresses")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "status-subscribe")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_violations == []


def test_history_tooltips_and_the_banner_on_a_phone(page: Page, status_site, csp_violations):
    from status import services

    api = Component.objects.get(slug="api")
    services.open_incident(
        name="Elevated error rates on the API for some customers", impact="major",
        body="We are investigating.", components={api: "partial_outage"},
    )  # fmt: skip
    services.open_incident(name="Slow dashboard", impact="minor", body="Looking.")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(status_site + "/status/")
    banner = page.locator(".status-banner__link")
    # No line of the banner starts with the separator, however it wraps.
    lines = banner.evaluate(
        """el => { const starts = []; let top = null;
        for (const item of el.querySelectorAll("span")) {
          const box = item.getClientRects()[0];
          if (box && box.top !== top) { starts.push(item.textContent.trim()[0]); top = box.top; }
        }
        return starts; }"""
    )
    assert "·" not in lines, lines
    screenshot(page, "status-banner-360")
    details = page.locator("details.uptime__days").first
    details.locator("summary").click()
    expect(details.get_by_role("listitem").first).to_contain_text("uptime")
    day = page.locator(".uptime__day[title*='partial outage']").first
    assert "Elevated error rates on streaming responses" in day.get_attribute("title")
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(status_site + "/history/")
    expect(page.get_by_role("heading", name="November 2026")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("API")
    assert_accessible(page)
    screenshot(page, "status-history")
    assert csp_violations == []
