from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from status import services
from status.importer import import_status
from status.models import Component, ComponentGroup

STATUS_CONTENT = Path(__file__).resolve().parents[2] / "content" / "status"


@pytest.fixture(autouse=True)
def _public_site(settings):
    """The public address, from which the API, feeds and embeds build absolute URLs."""
    settings.SITE_URL = "https://help.example.com"


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
        return services.open_incident(
            name=name, impact=impact, body="We are investigating.", components=components, **kw
        )

    return make


@pytest.fixture
def schedule(make_component):
    def make(start_in, end_in, *, components=(), name="Database upgrade"):
        now = timezone.now()
        return services.schedule_maintenance(
            name=name,
            scheduled_for=now + timedelta(minutes=start_in),
            scheduled_until=now + timedelta(minutes=end_in),
            body="The dashboard will be read-only.",
            components=components,
        )

    return make
