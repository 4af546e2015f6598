"""`manage.py status`: what a monitoring script can do, and the errors it gets."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from status.models import Component, ComponentStatusChange, Incident

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    out = StringIO()
    call_command("status", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_component_set_and_summary(status_demo):
    assert "api: operational → degraded_performance" in run(
        "component", "set", "api", "degraded_performance"
    )
    assert Component.objects.get(slug="api").status == "degraded_performance"
    summary = run("summary")
    assert summary.startswith("minor: Partially Degraded Service")
    assert "API [api]: degraded_performance" in summary
    data = json.loads(run("summary", "--json"))
    assert data["status"]["indicator"] == "minor"


def test_incident_open_update_resolve(status_demo):
    code = run(
        "incident", "open", "Sign-in failures", "--impact", "critical", "--body", "Investigating.",
        "--component", "authentication=major_outage", "--guide", "authentication-and-security",
    ).split()[-1]  # fmt: skip
    incident = Incident.objects.get(code=code)
    assert (incident.impact, incident.status) == ("critical", "investigating")
    assert Component.objects.get(slug="authentication").status == "major_outage"
    assert [g.slug for g in incident.guides.all()] == ["authentication-and-security"]
    run("incident", "update", code, "--status", "identified", "--body", "Found it.")
    assert code in run("incident", "list")
    run("incident", "resolve", code)
    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert Component.objects.get(slug="authentication").status == "operational"
    assert code not in run("incident", "list")
    assert code in run("incident", "list", "--all")


def test_incident_update_latest(open_incident):
    """`latest` (what Slack's /incident takes too): the open incident updated last."""
    incident = open_incident(components={})
    run("incident", "update", "latest", "--status", "monitoring", "--body", "Watching.")
    incident.refresh_from_db()
    assert incident.status == "monitoring"
    run("incident", "resolve", "latest", "--body", "Fixed.")
    with pytest.raises(CommandError, match="no incident or maintenance with code 'latest'"):
        run("incident", "update", "latest", "--status", "identified", "--body", "x")


def test_maintenance_schedule(status_demo):
    code = run(
        "maintenance", "schedule", "Database upgrade", "--start", "2099-01-01T02:00Z",
        "--end", "2099-01-01T03:00Z", "--body", "Read-only dashboard.", "--component", "dashboard",
    ).split()[-1]  # fmt: skip
    maintenance = Incident.objects.get(code=code)
    assert maintenance.is_maintenance and maintenance.status == "scheduled"
    assert "Database upgrade" in run("maintenance", "list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["component", "set", "nope", "operational"], "unknown component 'nope'; known: api,"),
        (["component", "set", "api", "broken"],
         "unknown component status 'broken'; one of: operational,"),
        (["incident", "update", "zzzzzzzzzzzz", "--status", "identified", "--body", "x"],
         "no incident"),
        (["incident", "open", "X", "--body", "x", "--impact", "huge"], "unknown impact 'huge'"),
        (["incident", "open", "X", "--body", "x", "--component", "api"], "say which status"),
        (["maintenance", "schedule", "X", "--start", "soon", "--end", "later", "--body", "x"],
         "'soon' is not an ISO 8601"),
        (["maintenance", "schedule", "X", "--start", "2099-01-02T00:00Z",
          "--end", "2099-01-01T00:00Z",
          "--body", "x"], "--end must be after --start"),
        (["incident", "open", "N" * 201, "--body", "x"], "at most 200 characters"),
    ],
)  # fmt: skip
def test_clear_errors(status_demo, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")) as error:
        run(*args)
    assert error.value.returncode == 1


def test_summary_json_works_with_production_hosts(status_demo, settings):
    settings.ALLOWED_HOSTS = ["help.example.com"]
    settings.SITE_URL = "https://help.example.com"
    data = json.loads(run("summary", "--json"))
    assert data["page"]["url"].startswith("https://help.example.com/")


def test_import_is_idempotent_and_keeps_live_statuses(status_demo):
    Component.objects.get(slug="api").set_status("partial_outage")
    history = ComponentStatusChange.objects.count()
    out = run("import", str(ROOT / "content" / "status"))
    assert "0 created, 0 updated, 15 unchanged, 0 errors" in out
    assert Component.objects.get(slug="api").status == "partial_outage"
    assert ComponentStatusChange.objects.count() == history
    assert Incident.objects.count() == 1


def test_import_reports_bad_content(tmp_path, db):
    (tmp_path / "bad.yaml").write_text(
        "components:\n  - slug: api\n    name: API\n    group: nope\n"
        "incidents:\n  - code: TOOSHORT\n    name: X\n    updates: [{}]\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="some status content was not loaded"):
        call_command("status", "import", str(tmp_path), stdout=StringIO(), stderr=err)
    assert "no group 'nope'" in err.getvalue()
    assert "must be 12 lowercase letters or digits" in err.getvalue()


@pytest.mark.slow
def test_usage_errors_exit_2_from_the_shell():
    result = subprocess.run(
        [sys.executable, "manage.py", "status", "component", "set", "api"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DEBUG": "1"},  # a development copy (no SECRET_KEY)
    )  # fmt: skip
    assert result.returncode == 2
    assert "the following arguments are required: status" in result.stderr


def test_open_an_incident_from_a_template(status_demo):
    assert "api-errors\tmajor\tElevated error rates on the API" in run("template", "list")
    code = run("incident", "open", "--template", "api-errors").split()[-1]
    incident = Incident.objects.get(code=code)
    assert (incident.name, incident.impact) == ("Elevated error rates on the API", "major")
    assert incident.updates.get().body.startswith("Some API requests are failing")
    assert Component.objects.get(slug="api").status == "partial_outage"
    code = run(
        "incident", "open", "API errors in the EU", "--template", "api-errors",
        "--body", "EU only.", "--no-notify",
    ).split()[-1]  # fmt: skip
    incident = Incident.objects.get(code=code)
    assert incident.name == "API errors in the EU" and incident.updates.get().body == "EU only."
    assert not incident.updates.get().deliver_notifications
    with pytest.raises(CommandError, match="unknown template 'nope'; known: api-errors"):
        run("incident", "open", "--template", "nope")
    with pytest.raises(CommandError, match="give a NAME and --body"):
        run("incident", "open", "Name only")


def test_tick_reports_what_the_clock_did(status_demo):
    assert run("tick").startswith("0 reminders, 0 maintenances moved on")


def test_deploy_check_warns_when_webhooks_may_reach_private_addresses(settings):
    from status.checks import webhooks_to_private_addresses

    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = False
    assert webhooks_to_private_addresses(None) == []
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = True
    assert [w.id for w in webhooks_to_private_addresses(None)] == ["status.W001"]


def test_a_change_says_how_many_subscribers_it_notified(status_demo):
    from django.utils import timezone

    from status.models import Subscriber

    for n in range(3):
        Subscriber.objects.create(
            email=f"s{n}@example.com", address_key=f"s{n}@example.com", confirmed_at=timezone.now()
        )
    Subscriber.objects.create(email="new@example.com", address_key="new@example.com")
    out = run("incident", "open", "Slow API", "--body", "Looking.").splitlines()
    assert out[-2] == "notified 3 subscribers"  # the unconfirmed one is not
    assert Incident.objects.filter(code=out[-1]).exists()  # the code stays the last line
    assert run(
        "incident", "update", out[-1], "--status", "identified", "--body", "Found."
    ).endswith("notified 3 subscribers\n")
    quiet = run("incident", "open", "Quiet", "--body", "x", "--no-notify")
    assert "notified" not in quiet
