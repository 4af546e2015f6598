"""Every kind of page validates with the Nu Html Checker (vnu.jar), with zero errors.

Pages are fetched from the live server, saved to files and checked in one JVM run.
Skipped without Java or vnu.jar (`make test` installs it with npm) unless
REQUIRE_HTML_CHECKER=1, as in CI.
"""

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client

from kb.models import Guide
from runbooks.models import Runbook
from status import links
from status.importer import import_status
from status.models import Incident, Subscriber
from tickets import satisfaction, services
from tickets.models import RequestsLink, Ticket, TicketLink

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def fetch(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:  # 404 pages are pages too
        return error.read().decode()


def test_pages_have_no_html_errors(site, tmp_path):
    java = shutil.which("java")
    if not (java and VNU.exists()):
        if os.environ.get("REQUIRE_HTML_CHECKER") == "1":
            pytest.fail(f"HTML checker required but missing (java={java}, {VNU})")
        pytest.skip("HTML checker skipped: needs Java and vnu.jar (npm install vnu-jar)")

    paths = ["/", "/?q=2fa", "/?q=zzzz-nothing", "/?tag=billing", "/support/",
             "/support/?runbook=cannot-sign-in", "/kb/no-such-page/", "/?q=a%00b",
             "/search/", "/search/?q=biling", "/search/?q=zzqxv", "/?q=stre",
             "/api/v1/docs/"]  # fmt: skip
    import_status(ROOT / "content" / "status")
    paths += ["/status/", "/embed/frame"] + [i.get_absolute_url() for i in Incident.objects.all()]
    subscriber = Subscriber.objects.create(email="a@example.com", address_key="a@example.com")
    paths += ["/history/", "/status/subscribe/", "/status/subscribe/sent/",
              f"/status/subscribe/confirm/{links.token(subscriber, 'confirm')}/",
              f"/status/subscription/{links.token(subscriber, 'manage')}/",
              f"/status/unsubscribe/{links.token(subscriber, 'unsubscribe')}/"]  # fmt: skip
    paths += [g.get_absolute_url() for g in Guide.objects.all()]
    # The feedback page (this visitor's widget): after a vote, and before one is sent.
    paths += [g.get_absolute_url() + "feedback/?voted=1" for g in Guide.objects.all()[:1]]
    paths += [r.get_absolute_url() + "feedback/?helpful=no" for r in Runbook.objects.all()[:1]]
    # ... and a report that the page is out of date, before it is sent.
    paths += [
        g.get_absolute_url() + "feedback/?outdated=1&reason=Old" for g in Guide.objects.all()[:1]
    ]
    paths += [r.get_absolute_url() for r in Runbook.objects.all()]
    ticket = services.create_ticket(
        Ticket(
            email="ada@example.com",
            subject="Stream stops",
            description="It stops.",
            error_message="stream_interrupted",
            request_id="req_1",
        )  # fmt: skip
    )
    link = TicketLink.objects.mint(ticket)
    survey = satisfaction.survey_path(ticket, "good")
    paths += [link, link + "sent/", "/support/tickets/", "/support/?q=stream+stops",
              "/support/tickets/no-such-link-0123456789/", link + "?solved=1",
              RequestsLink.objects.mint(ticket.email_key), survey,
              survey.split("?")[0] + "?rated=1"]  # fmt: skip
    for i, path in enumerate(paths):
        (tmp_path / f"page-{i:02d}.html").write_text(fetch(site + path))
    (tmp_path / "error-500.html").write_text(render_to_string("500.html"))
    # Pages that only a POST shows: the ticket form with errors, the lost-link answer.
    client = Client(HTTP_HOST="127.0.0.1")
    posted = {
        "ticket-form-errors.html": client.post("/support/", {"email": "x", "subject": ""}),
        "lost-link-sent.html": client.post("/support/tickets/", {"email": "a@example.com"}),
        "status-subscribe-errors.html": client.post(
            "/status/subscribe/", {"form": "webhook", "webhook-url": "http://10.0.0.1/"}
        ),
    }
    for name, response in posted.items():
        (tmp_path / name).write_text(response.content.decode())

    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
         str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    names = {f"page-{i:02d}.html": path for i, path in enumerate(paths)}

    def page_of(message):
        return names.get(Path(message.get("url", "")).name, message.get("url"))

    errors = [
        f"{page_of(m)}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)
