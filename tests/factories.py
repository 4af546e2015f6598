"""The test world's factories: one module, registered for every test by tests/conftest.py
(`pytest_plugins`). Each makes rows the way the product makes them (services, the importer),
with the fewest fields a test must care about."""

import importlib
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import clear_url_caches
from django.utils import timezone

from core.addresses import address_key
from kb.models import FAQEntry, Guide, PageBlock, PublishState, Tag
from runbooks.models import Runbook, RunbookCheck, RunbookFixStep
from status import services as status_services
from status.importer import import_status
from status.models import Channel, Component, ComponentGroup, Subscriber
from tickets import services
from tickets.forms import signed_start
from tickets.models import Ticket

STATUS_CONTENT = Path(__file__).resolve().parents[1] / "content" / "status"


# ------------------------------------------------------------------------------- content


@pytest.fixture
def make_guide(db):
    counter = iter(range(1, 100_000))

    def make(
        title=None, *, tags=(), status=PublishState.PUBLISHED, body="Some **body** text.", **kw
    ):
        n = next(counter)
        guide = Guide.objects.create(
            title=title or f"Guide {n}",
            slug=kw.pop("slug", None) or f"guide-{n}",
            summary=kw.pop("summary", f"Summary of guide {n}."),
            status=status,
            body=body,
            **kw,
        )
        guide.tags.set([Tag.objects.get_or_create(slug=t, defaults={"name": t})[0] for t in tags])
        return guide

    return make


@pytest.fixture
def make_runbook(db):
    counter = iter(range(1, 100_000))

    def make(title=None, *, checks=("Check one", "Check two"), steps=("Fix one",), **kw):
        n = next(counter)
        guides = kw.pop("related_guides", [])
        tags = kw.pop("tags", [])
        runbook = Runbook.objects.create(
            title=title or f"Runbook {n}",
            slug=kw.pop("slug", None) or f"runbook-{n}",
            summary=kw.pop("summary", f"Symptom {n}."),
            escalation=kw.pop("escalation", "Contact support with the request ID."),
            status=kw.pop("status", PublishState.PUBLISHED),
            **kw,
        )
        for i, text in enumerate(checks, 1):
            RunbookCheck.objects.create(runbook=runbook, text=text, order=i)
        for i, text in enumerate(steps, 1):
            RunbookFixStep.objects.create(runbook=runbook, text=text, order=i)
        runbook.related_guides.set(guides)
        runbook.tags.set([Tag.objects.get_or_create(slug=t, defaults={"name": t})[0] for t in tags])
        return runbook

    return make


@pytest.fixture
def staff_in(db):
    """A staff user in one of the roles of accounts/roles.py (groups made by a migration)."""

    def make(group):
        username = group.lower().replace(" ", "-")
        user = get_user_model().objects.create_user(username, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def page_blocks(db):
    for key in ["hero", "knowledge-base", "runbooks", "contact", "faq"]:
        PageBlock.objects.create(key=key, title=f"Title of {key}", body=f"Text of {key}.")


@pytest.fixture
def make_faq(db):
    counter = iter(range(1, 100_000))

    def make(question=None, body="An answer."):
        n = next(counter)
        return FAQEntry.objects.create(
            question=question or f"Question {n}?", slug=f"question-{n}", order=n, body=body
        )

    return make


# ------------------------------------------------------------------------------- tickets


@pytest.fixture
def ticket_data():
    """A valid contact form, filled in a minute ago (past the minimum fill time)."""

    def make(**overrides):
        data = {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "subject": "Requests fail with billing_required",
            "category": "billing",
            "error_message": '{"error":{"code":"billing_required"}}',
            "endpoint": "/v1/chat/completions",
            "request_id": "req_8f2a91",
            "reproducibility": "always",
            "plan": "Team",
            "model_name": "gpt-large",
            "occurred_at": "2026-11-25T09:30",
            "occurred_tz": "Europe/Berlin",
            "description": "Every request from our backend fails since this morning.",
            "started": signed_start(time.time() - 60),
            "intake": "intake-1",
            "website": "",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make


@pytest.fixture
def make_ticket(db):
    counter = iter(range(1, 100_000))

    def make(**kw):
        n = next(counter)
        ticket = Ticket(
            email=kw.pop("email", f"customer{n}@example.com"),
            subject=kw.pop("subject", f"Problem {n}"),
            description=kw.pop("description", f"Description of problem {n}."),
            **kw,
        )
        return services.create_ticket(ticket)

    return make


def _staff(username, group=None):
    """A staff member in one role's group (none: staff with no role)."""
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", f"pw-{username}-123", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def agent(db):
    return _staff("agent", "Support agents")


@pytest.fixture
def editor(db):
    return _staff("editor", "Content editors")


@pytest.fixture
def lead(db):
    return _staff("lead", "Support leads")


# -------------------------------------------------------------------------------- status


@pytest.fixture
def make_component(db):
    counter = iter(range(1, 100_000))

    def make(name=None, *, group=None, **kw):
        n = next(counter)
        return Component.objects.create(
            name=name or f"Component {n}", slug=kw.pop("slug", None) or f"component-{n}",
            group=group, position=kw.pop("position", n), **kw,
        )  # fmt: skip

    return make


@pytest.fixture
def group(db):
    return ComponentGroup.objects.create(name="Model providers", slug="model-providers")


@pytest.fixture
def status_demo(content):
    """The shipped status content on top of the shipped guides and runbooks."""
    report = import_status(STATUS_CONTENT)
    assert not report.errors, report.errors
    return report


@pytest.fixture
def open_incident(make_component):
    def make(name="Elevated API errors", *, impact="major", components=None, **kw):
        if components is None:
            components = {make_component(slug="api", name="API"): "partial_outage"}
        return status_services.open_incident(
            name=name, impact=impact, body="We are investigating.", components=components, **kw
        )

    return make


@pytest.fixture
def schedule(make_component):
    def make(start_in, end_in, *, components=(), name="Database upgrade"):
        now = timezone.now()
        return status_services.schedule_maintenance(
            name=name,
            scheduled_for=now + timedelta(minutes=start_in),
            scheduled_until=now + timedelta(minutes=end_in),
            body="The dashboard will be read-only.",
            components=components,
        )

    return make


@pytest.fixture
def make_subscriber(db):
    """A confirmed subscriber (email by default), as if they had clicked the link."""
    counter = iter(range(1, 100_000))

    def make(email=None, *, channel=Channel.EMAIL, url="", components=(), confirmed=True, **kw):
        n = next(counter)
        email = email or f"subscriber{n}@example.com"
        subscriber = Subscriber.objects.create(
            channel=channel, email=email, address_key=address_key(email), url=url,
            confirmed_at=timezone.now() if confirmed else None, **kw,
        )  # fmt: skip
        subscriber.components.set(components)
        return subscriber

    return make


# -------------------------------------------------------------------------------- mail


def _reload_urls():
    import helpcenter.urls

    importlib.reload(helpcenter.urls)
    clear_url_caches()


@pytest.fixture
def inbound_providers(settings):
    """Set the inbound providers and ANYMAIL settings as the environment would, before the
    URLs are read (the old code read them once, when the site's URLs were imported)."""

    def configure(providers=(), **anymail):
        settings.INBOUND_PROVIDERS = list(providers)
        settings.ANYMAIL = anymail
        _reload_urls()

    yield configure
    with override_settings(INBOUND_PROVIDERS=[], ANYMAIL={}):
        _reload_urls()
