"""/status/, incident pages, feeds, embeds and the badge."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import override_settings

from status import services
from status.models import Component, Incident

pytestmark = pytest.mark.django_db


def test_status_page_shows_overall_components_groups_and_past_incident(client, status_demo):
    response = client.get("/status/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "All Systems Operational" in html
    assert '<span class="components__name">Model providers</span>' in html
    assert "<details>" in html  # the group is collapsed while all is well
    assert "Past incidents" in html and "Elevated error rates on streaming responses" in html
    assert "Active incidents" not in html
    # 90 day bars per showcased component, with a text alternative.
    assert html.count('class="uptime__day ') == 10 * 90
    assert re.search(
        r'aria-label="API, last 90 days: 99\.\d\d% uptime; 4 Nov 2026: partial outage"', html
    )


def test_status_page_shows_active_incident_timeline_and_maintenance(
    client, status_demo, open_incident, schedule
):
    anthropic = Component.objects.get(slug="anthropic-models")
    incident = open_incident("Slow Anthropic responses", components={anthropic: "partial_outage"})
    schedule(60, 120, name="Database upgrade")
    html = client.get("/status/").content.decode()
    assert "Active incidents" in html and f'href="{incident.get_absolute_url()}"' in html
    assert "We are investigating." in html
    assert "Scheduled maintenance" in html and "Database upgrade" in html
    assert "<details open>" in html  # the group with the partial outage opens
    assert "Partial outage" in html


def test_status_page_query_count_does_not_grow(
    client, status_demo, open_incident, django_assert_num_queries, settings
):
    settings.PAGE_CACHE = False  # what a render costs
    open_incident("One", components={Component.objects.get(slug="playground"): "partial_outage"})
    client.get("/status/")
    with django_assert_num_queries(17):
        client.get("/status/")
    for n in range(5):
        open_incident(
            f"More {n}", components={Component.objects.get(slug="api"): "degraded_performance"}
        )
    client.get("/status/")
    with django_assert_num_queries(17):
        client.get("/status/")


def test_incident_page(client, status_demo):
    incident = Incident.objects.get(code="strm2026nov4")
    html = client.get(incident.get_absolute_url()).content.decode()
    assert '<h1 id="incident-title">Elevated error rates on streaming responses</h1>' in html
    assert html.count('class="timeline__item"') == 4
    assert 'href="/runbooks/streaming-response-fails/"' in html
    assert client.get("/status/incidents/nosuchincide/").status_code == 404
    assert client.head(incident.get_absolute_url()).status_code == 200  # uptime monitors


def test_incident_page_never_shows_draft_content(client, status_demo, make_guide):
    draft = make_guide("Unannounced migration plan", status="draft")
    incident = Incident.objects.get(code="strm2026nov4")
    incident.guides.add(draft)
    html = client.get(incident.get_absolute_url()).content.decode()
    assert "Unannounced migration plan" not in html


def test_atom_and_rss_feeds(client, status_demo, schedule):
    schedule(60, 120, name="Database upgrade")
    atom = client.get("/history.atom")
    assert atom["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(atom.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles == [
        "Maintenance: Database upgrade (scheduled)",
        "Incident: Elevated error rates on streaming responses (resolved)",
    ]
    rss = client.get("/history.rss")
    assert rss["Content-Type"].startswith("application/rss+xml")
    item = ET.fromstring(rss.content).find("channel/item[2]")
    assert item.findtext("link") == "https://help.example.com/status/incidents/strm2026nov4/"
    assert "Identified: A configuration change" in item.findtext("description")
    # Atom ids are valid URIs that never change as updates come in.
    ids = [e.findtext("a:id", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert all(i.startswith("tag:help.example.com,") for i in ids)
    incident = Incident.objects.get(code="strm2026nov4")
    services.post_update(incident=incident, status="postmortem", body="A <b>report</b> & more")
    again = ET.fromstring(client.get("/history.atom").content)
    assert ids[1] in [e.findtext("a:id", namespaces=ns) for e in again.findall("a:entry", ns)]
    summary = again.find("a:entry", ns).findtext("a:summary", namespaces=ns)
    assert "A &lt;b&gt;report&lt;/b&gt; &amp; more" in summary  # text, not markup


def test_feeds_and_embed_snippet_link_to_the_public_site_whatever_the_request(
    client, status_demo, settings
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["other.example.com"]
    headers = {"X-Forwarded-Proto": "http", "Host": "other.example.com"}
    rss = ET.fromstring(client.get("/history.rss", headers=headers).content)
    assert rss.findtext("channel/link") == "https://help.example.com/status/"
    assert rss.findtext("channel/item/link").startswith("https://help.example.com/status/")
    atom = ET.fromstring(client.get("/history.atom", headers=headers).content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert (
        atom.find("a:link[@rel='self']", ns).get("href") == "https://help.example.com/history.atom"
    )
    assert atom.find("a:entry/a:id", ns).text.startswith("tag:help.example.com,")
    html = client.get("/status/", headers=headers).content.decode()
    assert 'src="https://help.example.com/embed/status.js"' in html


def test_embed_script_is_public_javascript_without_cookies(client):
    response = client.get("/embed/status.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    body = response.content.decode()
    assert "document.currentScript" in body and "/api/v2/status.json" in body
    assert ".innerHTML" not in body and 'setAttribute("style"' not in body
    assert not response.cookies
    assert (
        client.get("/embed/status.js", headers={"If-None-Match": response["ETag"]}).status_code
        == 304
    )


def test_embed_frame_may_be_framed_by_configured_origins_only(client, status_demo):
    response = client.get("/embed/frame")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "default-src 'none'" in csp
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert "All Systems Operational" in html and 'target="_top"' in html
    assert "site-header" not in html and "style=" not in html
    assert re.findall(r"<script[^>]*>", html) == [  # no inline script; CSP allows only ours
        '<script src="/static/status/frame.js" defer>'
    ]
    assert "script-src 'self'" in csp
    with override_settings(STATUS_EMBED_FRAME_ANCESTORS=["https://www.example.com"]):
        csp = client.get("/embed/frame")["Content-Security-Policy"]
    assert "frame-ancestors https://www.example.com" in csp


def test_other_pages_still_refuse_framing(client):
    response = client.get("/status/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_badge_is_an_accessible_cacheable_svg(client, status_demo):
    response = client.get("/badge.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "public, max-age=60"
    root = ET.fromstring(response.content)
    assert root.get("role") == "img"
    assert (
        root.findtext("{http://www.w3.org/2000/svg}title")
        == "Platform status: All Systems Operational"
    )
    assert 'fill="#146c2e"' in response.content.decode()
    Component.objects.get(slug="api").set_status("major_outage")
    body = client.get("/badge.svg").content.decode()
    assert (
        "Partial System Outage" in body and 'fill="#b3261e"' not in body and "#146c2e" not in body
    )


def test_each_day_of_the_bars_has_a_tooltip_and_a_text_alternative(client, status_demo):
    html = client.get("/status/").content.decode()
    assert re.search(
        r'title="4 Nov 2026: \d\d\.\d\d% uptime, partial outage; '
        r'Elevated error rates on streaming responses"',
        html,
    )
    assert re.search(r'title="\d+ \w+ 2026: 100\.00% uptime"', html)  # a calm day
    # Without a mouse or sight: the same days in words, in a disclosure per component.
    assert re.search(
        r"<summary>Days with incidents or downtime"
        r'<span class="visually-hidden"> for API</span> \(1\)</summary>\s*<ul><li>4 Nov 2026: ',
        html,
    )


def test_banner_never_starts_a_line_with_a_separator(client, open_incident, schedule):
    incident = open_incident("Elevated API errors")
    open_incident(
        "Slow dashboard", components=dict.fromkeys(incident.components.all(), "major_outage")
    )
    schedule(-1, 30, name="Database upgrade")
    html = client.get("/").content.decode().split('status-banner__text"')[1]
    html = html.split("</p>")[0]
    items = re.findall(r'<span class="status-banner__item[^"]*">(.*?)</span>', html)
    assert len(items) == 4
    # Every separator closes the item before it (glued by a no-break space), so an item
    # that wraps onto a new line starts with words, never with "·".
    assert all(not item.lstrip().startswith("·") for item in items)
    assert [item.endswith("&nbsp;·") for item in items] == [True, True, True, False]


def test_history_page_shows_monthly_uptime_and_incidents(client, status_demo):
    response = client.get("/history/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="month-2026-11"><a href="?month=2026-11">November 2026</a></h2>' in html
    assert re.search(r"<th scope=\"row\">API</th><td>99\.\d\d%</td>", html)
    assert "Elevated error rates on streaming responses</a>" in html
    for page in ["0", "-1", "99", "x"]:
        assert client.get(f"/history/?page={page}").status_code == 200


def test_history_goes_month_by_month(client, status_demo):
    from django.utils import timezone

    today = timezone.localdate()
    this, last = today.replace(day=1), (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    html = client.get(f"/history/?month={last:%Y-%m}").content.decode()
    assert f"<h1>Uptime history: {last:%B %Y}</h1>" in html
    assert html.count('class="history-month"') == 1
    assert f'<a href="?month={this:%Y-%m}" rel="next">{this:%B %Y} →</a>' in html
    assert f'<option value="{last:%Y-%m}" selected>{last:%B %Y}</option>' in html
    current = client.get(f"/history/?month={this:%Y-%m}").content.decode()
    assert 'rel="next"' not in current and f'<a href="?month={last:%Y-%m}" rel="prev">' in current
    for month in [
        "2026-13",
        "abcd-ef",
        "\u0662\u0660\u0662\u0666-11",
        "1999-01",
        "2099-01",
        "",
        "x" * 500,
    ]:
        response = client.get("/history/", {"month": month})
        assert response.status_code == 200
        assert response.content.decode().count('class="history-month"') > 1  # the 12 months


def test_a_feed_per_component(client, status_demo):
    from status.models import Component

    api = Component.objects.get(slug="api")
    billing = Component.objects.get(slug="billing")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(client.get(f"/status/components/{api.code}/history.atom").content)
    assert root.findtext("a:title", namespaces=ns) == "API: platform status history"
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles == ["Incident: Elevated error rates on streaming responses (resolved)"]
    root = ET.fromstring(client.get(f"/status/components/{billing.code}/history.atom").content)
    assert root.findall("a:entry", ns) == []
    assert client.get("/status/components/nosuchcompon/history.atom").status_code == 404
    assert (
        f'href="/status/components/{api.code}/history.atom"'
        in client.get("/status/").content.decode()
    )


@pytest.mark.django_db
def test_the_status_page_is_shared_and_its_subscribe_form_works_without_a_token(client, content):
    """A form holding a CSRF token made /status/ personal, so never cached: the short form
    now hands the address to the subscribe page (by GET), which holds the token."""
    page = client.get("/status/")
    html = page.content.decode()
    assert "csrfmiddlewaretoken" not in html and "Set-Cookie" not in str(page.headers)
    assert "public" in page["Cache-Control"]
    follow = client.get("/status/subscribe/", {"email": "ada@example.com"}).content.decode()
    assert 'value="ada@example.com"' in follow and "csrfmiddlewaretoken" in follow


@pytest.mark.django_db
def test_sending_notifications_does_not_empty_the_page_cache(make_component):
    from core.web import pagecache
    from status.models import Delivery, Subscriber

    before = pagecache.current_generation()
    subscriber = Subscriber.objects.create(email="a@example.com", address_key="a@example.com")
    Delivery.objects.create(subscriber=subscriber)
    assert pagecache.current_generation() == before
