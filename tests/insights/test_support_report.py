"""The support reports as a support lead reads them: the figures of a period, where each
number leads, the breakdowns, the custom range and its messages, the CSV tables."""

import csv
import html
import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tickets.models import AgentGroup, Priority, SatisfactionRating, Tag

URL = "/admin/insights/supportreport/"
pytestmark = pytest.mark.django_db


def at(day, hour=12, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def today():
    return timezone.localdate()


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def figure(body, term):
    """The big number under a summary term, and where it links."""
    match = re.search(
        rf"<dt>{term}</dt><dd>(?:<a class=\"insights-figure\" href=\"([^\"]+)\">|"
        r"<span class=\"insights-figure\">)([^<]+)<",
        body,
    )
    assert match, term
    return match.group(2).strip(), html.unescape(match.group(1) or "")


def listed(client, url):
    """The references the admin's ticket list shows at `url`."""
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(set(re.findall(r"HC-\d{6}", response.content.decode())))


@pytest.fixture
def desk(make_ticket, admin_user, today):
    """Five tickets over the last days: answered after 1, 2, 3, 4 and 10 hours (round the
    clock in tests), three solved, one rated good and one bad, one urgent that missed its
    first response target."""
    billing = AgentGroup.objects.create(name="Billing")
    made = []
    for n, (hours, days_ago) in enumerate(((1, 3), (2, 3), (3, 2), (4, 1), (10, 0))):
        opened = at(today - timedelta(days=days_ago), 0, 30)
        ticket = make_ticket(
            group=billing if n < 2 else None,
            priority=Priority.URGENT if n == 4 else Priority.NORMAL,
        )
        ticket.channel = "email" if n % 2 else "web"
        ticket.created_at = ticket.waiting_since = ticket.status_changed_at = opened
        ticket.recompute_sla()
        ticket.save()
        replied = opened + timedelta(hours=hours)
        ticket.messages.create(
            author_kind="staff", author=admin_user, body="Hi", created_at=replied
        )
        ticket.record_staff_reply(by=admin_user, now=replied)
        made.append(ticket)
    for ticket in made[:3]:
        ticket.refresh_from_db()
        ticket.transition("resolved", by=admin_user, now=ticket.first_response_at)
    made[0].change_tags(add="refund")
    for ticket, rating in ((made[0], "good"), (made[1], "bad")):
        SatisfactionRating.objects.create(ticket=ticket, rating=rating, agent=admin_user)
    return made


# -- who may see it


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("who", ["plain_staff", "agent", "editor"])
def test_agents_and_other_staff_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert f'href="{URL}"' not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("who", ["lead", "admin_user"])
def test_support_leads_and_admins_find_it_in_the_menu(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert f'href="{URL}"' in client.get("/admin/").content.decode()
    assert client.get(URL).status_code == 200


def test_the_page_only_reads(client, admin_user):
    client.force_login(admin_user)
    assert client.post(URL).status_code == 405
    assert client.get(URL + "add/").status_code == 404


# -- the figures, and where they lead


def test_the_summary_counts_the_period_and_leads_to_those_tickets(client, admin_user, desk):
    body = page(client, admin_user, days=7)
    created, created_url = figure(body, "Created")
    assert created == "5"
    assert listed(client, created_url) == sorted(t.reference for t in desk)
    solved, solved_url = figure(body, "Solved")
    assert solved == "3"
    assert listed(client, solved_url) == sorted(t.reference for t in desk[:3])
    backlog, backlog_url = figure(body, "Backlog now")
    assert backlog == "2"
    assert listed(client, backlog_url) == sorted(t.reference for t in desk[3:])


def test_response_times_are_the_median_and_the_90th_percentile(client, admin_user, desk):
    body = page(client, admin_user, days=7)
    median, url = figure(body, "First response")
    assert median == "3.0 h"  # 1, 2, 3, 4, 10 hours
    assert "90 % within 10 h" in body
    assert len(listed(client, url)) == 5
    resolution, _ = figure(body, "Resolution")
    assert resolution == "2.0 h"  # 1, 2, 3 hours


def test_service_levels_and_satisfaction(client, admin_user, desk):
    body = page(client, admin_user, days=7)
    rate, url = figure(body, "Response target met")
    assert rate == "100.0 %"  # the urgent ticket that missed it is not solved
    assert len(listed(client, url)) == 3
    csat, good_url = figure(body, "Satisfaction")
    assert csat == "50.0 %"
    ratings = client.get(good_url).content.decode()
    assert desk[0].reference in ratings and desk[1].reference not in ratings


def test_each_day_leads_to_the_tickets_opened_that_day(client, admin_user, desk, today):
    body = page(client, admin_user, days=7)
    day = today - timedelta(days=3)
    label = f"{day:%a} {day.day} {day:%b %Y}"
    row = re.search(rf'<th scope="row">{label}</th><td><a href="([^"]+)">(\d+)</a>', body)
    assert row and row.group(2) == "2"
    assert listed(client, html.unescape(row.group(1))) == sorted(t.reference for t in desk[:2])


@pytest.mark.parametrize("by", ["channel", "category", "group", "organization", "tag", "agent"])
def test_every_breakdown_shows_and_its_numbers_lead_to_what_they_count(
    client, admin_user, desk, by
):
    body = page(client, admin_user, days=7, by=by)
    section = body.split('id="breakdown-title"')[1].split('id="workload-title"')[0]
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th>\s*<td>(?:<a href="([^"]+)">)?(\d+)', section
    )
    assert rows, by
    total = 0
    for label, url, created in rows:
        total += int(created)
        if url:
            assert len(listed(client, html.unescape(url))) == int(created), (by, label)
    if by != "tag":  # a ticket counts under each of its tags, untagged ones under "No tag"
        assert total == 5


def test_by_group_names_groups_and_the_tickets_without_one(client, admin_user, desk):
    body = page(client, admin_user, days=7, by="group")
    assert re.search(r'<th scope="row">Billing</th>\s*<td><a href="[^"]+">2<', body)
    assert re.search(r'<th scope="row">No group</th>\s*<td><a href="[^"]+">3<', body)


def cells(section, label):
    """The texts of the cells of the row headed `label`."""
    row = re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', section, re.S)
    assert row, label
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row.group(1))]


def test_agent_workload_counts_backlog_and_replies(client, admin_user, desk):
    desk[3].change_triage(by=admin_user, assignee=admin_user)
    body = page(client, admin_user, days=7)
    section = body.split('id="workload-title"')[1]
    # created, solved, backlog now, waiting on support, replies sent
    assert cells(section, admin_user.get_username())[:5] == ["1", "0", "1", "0", "5"]
    assert cells(section, "Unassigned")[:5] == ["4", "3", "1", "0", "0"]


def test_the_page_reads_a_fixed_number_of_queries(
    client, admin_user, desk, make_ticket, django_assert_max_num_queries
):
    client.force_login(admin_user)
    for _ in range(20):
        make_ticket().change_tags(add="more")
    Tag.objects.create(name="unused")
    with django_assert_max_num_queries(40):
        assert client.get(URL, {"by": "tag"}).status_code == 200


# -- the period


def test_a_custom_range_shows_those_days(client, admin_user, desk, today):
    first = today - timedelta(days=3)
    body = page(client, admin_user, start=first.isoformat(), end=first.isoformat())
    assert figure(body, "Created")[0] == "2"
    assert f'value="{first.isoformat()}"' in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-02-30", "end": "2026-03-01"}, "Enter a valid date"),
        ({"start": "yesterday"}, "Enter a valid date"),
        ({"start": "2026-01-05", "end": "2026-01-01"}, "The last day comes before the first"),
        ({"start": "2026-01-01"}, "needs both a first and a last day"),
        ({"start": "1999-01-01", "end": "1999-01-02"}, "Choose days from 1 Jan 2000"),
        ({"start": "2025-01-01", "end": "2026-12-01"}, "at most 366 days"),
        ({"days": "5"}, "Select a valid choice"),
        ({"by": "email"}, "Select a valid choice"),
        ({"export": "passwords"}, "no such table"),
    ],
)
def test_a_bad_request_says_what_is_wrong_and_shows_the_last_30_days(
    client, admin_user, params, message
):
    body = page(client, admin_user, **params)
    assert message in html.unescape(body)
    assert "the last 30 days instead" in body


def test_a_range_ending_in_the_future_is_refused(client, admin_user, today):
    later = (today + timedelta(days=1)).isoformat()
    body = page(client, admin_user, start=today.isoformat(), end=later)
    assert "to today" in body


# -- the tables as CSV


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("table", "first_cell"),
    [
        ("days", "Day"),
        ("breakdown", "Channel"),
        ("workload", "Agent"),
        ("service-levels", "Target"),
        ("backlog-age", "Opened"),
    ],
)
def test_each_table_downloads_as_csv(client, admin_user, desk, table, first_cell, caplog):
    client.force_login(admin_user)
    with caplog.at_level("INFO", logger="core.csvstream"):
        rows = read_csv(client.get(URL, {"days": 7, "export": table}))
    assert rows[0][0] == first_cell
    assert len(rows) > 1
    assert f"CSV export by {admin_user.get_username()}" in caplog.text


def test_the_breakdown_csv_has_every_figure(client, admin_user, desk):
    client.force_login(admin_user)
    rows = read_csv(client.get(URL, {"days": 7, "by": "channel", "export": "breakdown"}))
    by_label = {row[0]: row for row in rows[1:]}
    assert by_label["Web form"][1] == "3"  # created
    assert by_label["Email"][1] == "2"
    header = rows[0]
    assert by_label["Web form"][header.index("First response median (business hours)")] == "3.0"


def test_the_page_links_to_its_csv_files(client, admin_user):
    body = page(client, admin_user, days=90, by="tag")
    assert "?by=tag&amp;days=90&amp;export=breakdown" in body


def test_agents_cannot_download_the_tables(client, agent):
    client.force_login(agent)
    assert client.get(URL, {"export": "breakdown"}).status_code == 403


def test_a_refused_range_stays_in_the_boxes_to_be_corrected(client, admin_user):
    body = page(client, admin_user, start="2026-01-05", end="2026-01-01")
    assert 'name="start" id="id_start" value="2026-01-05"' in body
    assert 'name="end" id="id_end" value="2026-01-01"' in body


def test_the_figures_are_counted_again_after_a_few_minutes_not_at_each_visit(
    client, admin_user, desk, make_ticket, settings, django_assert_max_num_queries
):
    from django.core.cache import cache

    settings.SUPPORT_REPORT_CACHE_SECONDS = 300
    assert figure(page(client, admin_user, days=7), "Created")[0] == "5"
    make_ticket()
    with django_assert_max_num_queries(12):  # signing in, the session, the user; no counting
        assert figure(page(client, admin_user, days=7), "Created")[0] == "5"
    cache.clear()  # as if the five minutes were over
    assert figure(page(client, admin_user, days=7), "Created")[0] == "6"


@pytest.mark.parametrize("by", ["tag", "group", "agent"])
def test_the_summary_counts_each_ticket_once_whatever_the_breakdown(client, admin_user, desk, by):
    desk[0].change_tags(add="vip")  # two tags: in two rows of the breakdown by tag
    body = page(client, admin_user, days=7, by=by)
    assert figure(body, "Created")[0] == "5"
    assert figure(body, "Solved")[0] == "3"
    assert figure(body, "Backlog now")[0] == "2"
    assert figure(body, "First response")[0] == "3.0 h"
    assert figure(body, "Satisfaction")[0] == "50.0 %"


def test_the_clock_counts_the_default_views_before_a_lead_opens_them(
    client, admin_user, desk, django_assert_max_num_queries
):
    from insights import jobs
    from insights.support import report

    assert jobs.count_support_reports() == 0  # a per-process cache: nothing to share
    client.force_login(admin_user)
    client.get("/admin/")
    assert report.count_defaults() == 3
    with django_assert_max_num_queries(6):  # the session, the user; no counting
        body = client.get(URL, {"days": 30}).content.decode()
    assert figure(body, "Created")[0] == "5"
