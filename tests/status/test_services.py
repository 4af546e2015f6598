from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from status import services, state
from status.formatting import format_timestamp
from status.models import ComponentStatusChange, IncidentUpdate
from status.uptime import uptime_by_component


def clock_at(moment):
    """Django's clock (timezone.now) reads `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_timestamps_have_milliseconds_and_an_offset():
    moment = datetime(2026, 11, 25, 10, 41, 14, tzinfo=UTC)
    assert format_timestamp(moment) == "2026-11-25T10:41:14.000+00:00"
    moment = datetime(2026, 11, 25, 10, 41, 14, 562_999, tzinfo=UTC)
    assert format_timestamp(moment) == "2026-11-25T10:41:14.562+00:00"
    assert format_timestamp(None) is None


@override_settings(STATUS_PAGE_TIME_ZONE="America/Los_Angeles")
def test_timestamps_are_in_the_page_time_zone():
    # The page's zone, whatever the server's own TIME_ZONE is.
    moment = datetime(2026, 11, 25, 18, 41, 14, tzinfo=UTC)
    assert format_timestamp(moment) == "2026-11-25T10:41:14.000-08:00"


@pytest.mark.parametrize(
    ("components", "impacts", "maintenance", "expected"),
    [
        ([], [], False, ("none", "All Systems Operational")),
        (["operational"] * 3, [], False, ("none", "All Systems Operational")),
        (["operational", "degraded_performance"], [], False,
         ("minor", "Partially Degraded Service")),
        (["operational", "partial_outage"], [], False, ("minor", "Minor Service Outage")),
        (["operational", "major_outage"], [], False, ("major", "Partial System Outage")),
        (["major_outage", "major_outage"], [], False, ("critical", "Major System Outage")),
        (["operational"], ["minor"], False, ("minor", "Minor Service Outage")),
        (["operational"], ["major"], False, ("major", "Partial System Outage")),
        (["operational"], ["critical"], False, ("critical", "Major System Outage")),
        (["operational"], ["none"], False, ("none", "All Systems Operational")),
        (["operational"], [], True, ("maintenance", "Service Under Maintenance")),
        (["under_maintenance"], [], False, ("maintenance", "Service Under Maintenance")),
        (["degraded_performance"], [], True, ("minor", "Partially Degraded Service")),
        # The worse description wins whatever the components' order.
        (["degraded_performance", "partial_outage"], [], False, ("minor", "Minor Service Outage")),
        (["partial_outage", "degraded_performance"], [], False, ("minor", "Minor Service Outage")),
        (["degraded_performance"] * 2, [], False, ("minor", "Degraded System Service")),
    ],
)  # fmt: skip
def test_overall_indicator_is_the_worst_signal(components, impacts, maintenance, expected):
    assert (
        state.overall_status(
            component_statuses=components,
            incident_impacts=impacts,
            maintenance_active=maintenance,
        )
        == expected
    )


@pytest.mark.django_db
def test_an_update_sets_incident_and_component_status_in_one_step(open_incident):
    incident = open_incident()
    api = incident.components.get()
    assert api.status == "partial_outage"
    services.post_update(
        incident=incident,
        status="monitoring",
        body="Fix deployed.",
        components={api: "degraded_performance"},
    )
    incident.refresh_from_db()
    api.refresh_from_db()
    assert (incident.status, api.status) == ("monitoring", "degraded_performance")
    assert incident.monitoring_at is not None and incident.resolved_at is None
    services.resolve_incident(incident=incident, body="Resolved.")
    incident.refresh_from_db()
    api.refresh_from_db()
    assert (incident.status, api.status) == ("resolved", "operational")
    assert incident.resolved_at is not None
    latest = IncidentUpdate.objects.filter(incident=incident).first()
    change = latest.component_changes.get()
    assert (change.old_status, change.new_status) == ("degraded_performance", "operational")
    history = list(
        ComponentStatusChange.objects.filter(component=api).values_list("status", flat=True)
    )
    assert history == ["operational", "partial_outage", "degraded_performance", "operational"]


@pytest.mark.django_db
def test_maintenance_moves_on_by_the_clock_without_anyone_clicking(schedule, make_component):
    dashboard = make_component(slug="dashboard")
    maintenance = schedule(60, 120, components=[dashboard])
    now = timezone.now()
    assert services.advance_maintenances(now=now) == 0
    assert state.status_state()["indicator"] == "none"

    assert services.advance_maintenances(now=now + timedelta(minutes=61)) == 1
    maintenance.refresh_from_db()
    dashboard.refresh_from_db()
    assert maintenance.status == "in_progress"
    assert dashboard.status == "under_maintenance"
    assert maintenance.updates.first().display_at == maintenance.scheduled_for

    assert services.advance_maintenances(now=now + timedelta(minutes=121)) == 1
    maintenance.refresh_from_db()
    dashboard.refresh_from_db()
    assert (maintenance.status, dashboard.status) == ("completed", "operational")
    assert [u.status for u in maintenance.updates.all()] == [
        "completed",
        "in_progress",
        "scheduled",
    ]


@pytest.mark.django_db
def test_reads_never_write_the_tick_moves_a_maintenance_on(schedule, make_component):
    dashboard = make_component(slug="dashboard")
    maintenance = schedule(5, 55, components=[dashboard])
    later = timezone.now() + timedelta(minutes=6)
    with clock_at(later):
        with CaptureQueriesContext(connection) as reading:
            assert state.status_state()["indicator"] == "none"  # the tick has not run yet
        assert all(q["sql"].startswith("SELECT") for q in reading.captured_queries)
        maintenance.refresh_from_db()
        assert maintenance.status == "scheduled"
        assert services.tick()["moved"] == 1
        current = state.status_state()
    maintenance.refresh_from_db()
    assert maintenance.status == "in_progress"
    assert current["indicator"] == "maintenance"
    assert current["maintenances"][0]["name"] == "Database upgrade"


@pytest.mark.django_db
def test_a_maintenance_scheduled_in_the_past_starts_at_once(schedule, make_component):
    dashboard = make_component(slug="dashboard")
    maintenance = schedule(-5, 55, components=[dashboard])
    maintenance.refresh_from_db()
    dashboard.refresh_from_db()
    assert (maintenance.status, dashboard.status) == ("in_progress", "under_maintenance")
    assert state.status_state()["indicator"] == "maintenance"


@pytest.mark.django_db
def test_an_overdue_maintenance_keeps_answers_short_lived(schedule):
    schedule(10, 70)
    later = timezone.now() + timedelta(minutes=11)
    with clock_at(later):
        state.status_state()
        entry = cache.get(f"status:state:{state.generation()}")
    assert entry["valid_until"] - later <= timedelta(seconds=state.OVERDUE_SECONDS)


@pytest.mark.django_db
def test_cached_state_expires_at_the_next_maintenance_boundary(schedule):
    schedule(10, 70)
    state.status_state()
    entry = cache.get(f"status:state:{state.generation()}")
    assert timedelta(minutes=9) < entry["valid_until"] - timezone.now() <= timedelta(minutes=10)


@pytest.mark.django_db
def test_uptime_counts_outages_from_the_history(make_component):
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    api = make_component(slug="api")
    ComponentStatusChange.objects.filter(component=api).update(at=now - timedelta(days=200))
    day = now - timedelta(days=10)
    ComponentStatusChange.objects.create(component=api, status="major_outage", at=day)
    ComponentStatusChange.objects.create(
        component=api, status="operational", at=day + timedelta(hours=6)
    )
    uptime = uptime_by_component([api], now=now)[api.pk]
    assert len(uptime.days) == 90
    assert [d.status for d in uptime.issue_days] == ["major_outage"]
    assert uptime.issue_days[0].date == timezone.localdate(day)
    # 6 hours down in 89.5 days of data.
    assert uptime.percent == f"{100 * (1 - 6 / (89.5 * 24)):.2f}"


@pytest.mark.django_db
def test_uptime_before_the_first_record_is_no_data(make_component):
    api = make_component(slug="api")
    uptime = uptime_by_component([api])[api.pk]
    assert [d.status for d in uptime.days[:-1]] == ["no_data"] * 89
    assert uptime.days[-1].status == "operational"
    assert uptime.percent == "100.00"


@pytest.mark.django_db
def test_a_maintenance_never_hides_an_outage(schedule, make_component, open_incident):
    api = make_component(slug="api-2", name="API 2")
    dashboard = make_component(slug="dashboard")
    open_incident(components={api: "major_outage"})
    maintenance = schedule(60, 120, components=[api, dashboard])
    now = timezone.now()
    services.advance_maintenances(now=now + timedelta(minutes=61))
    api.refresh_from_db()
    dashboard.refresh_from_db()
    assert (api.status, dashboard.status) == ("major_outage", "under_maintenance")
    services.advance_maintenances(now=now + timedelta(minutes=121))
    api.refresh_from_db()
    dashboard.refresh_from_db()
    assert (api.status, dashboard.status) == ("major_outage", "operational")
    maintenance.refresh_from_db()
    assert maintenance.status == "completed"


@pytest.mark.django_db
def test_a_change_during_a_recompute_is_never_hidden_by_the_cache(make_component, monkeypatch):
    api = make_component(slug="api-3")
    compute = state.compute_state

    def compute_while_someone_writes(now):
        value = compute(now)  # computed from the data before the write
        api.status = "major_outage"
        api.save()  # the write commits and invalidates meanwhile
        return value

    monkeypatch.setattr(state, "compute_state", compute_while_someone_writes)
    assert state.status_state()["indicator"] == "none"
    monkeypatch.setattr(state, "compute_state", compute)
    assert state.status_state()["indicator"] != "none"
