"""The dashboard as the support lead and editors read it."""

import html
import re

import pytest
from django.contrib.contenttypes.models import ContentType

from kb.models import Feedback
from tickets.models import SuggestionOpen

URL = "/admin/insights/dashboard/"
pytestmark = pytest.mark.django_db


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def figure(body, term):
    """The big number shown under a summary term, and where it links."""
    match = re.search(
        rf"<dt>{term}</dt>\s*<dd>(?:<a class=\"insights-figure\" href=\"([^\"]+)\">|"
        r"<span class=\"insights-figure\">)([^<]+)<",
        body,
    )
    assert match, term
    return match.group(2).strip(), html.unescape(match.group(1) or "")


# -- who may see it


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("who", ["plain_staff", "agent"])
def test_staff_without_the_permission_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("who", ["editor", "lead"])
def test_editors_and_support_leads_see_it_in_the_menu(client, request, who):
    client.force_login(request.getfixturevalue(who))
    index = client.get("/admin/").content.decode()
    assert f'href="{URL}"' in index
    assert client.get(URL).status_code == 200


def test_the_page_has_no_add_change_or_delete_pages(client, admin_user):
    client.force_login(admin_user)
    assert client.post(URL).status_code == 405
    assert client.get(URL + "add/").status_code == 404
    assert client.get(URL + "1/change/").status_code == 404


# -- figures and periods


def test_figures_over_the_chosen_period(client, lead, searched, days_ago):
    searched("api key", 3, days_ago(0), opened=True)
    searched("api key", 3, days_ago(1))
    searched("sso setup", 0, days_ago(2))
    searched("sso setup", 0, days_ago(20))
    searched("old thing", 0, days_ago(60))

    week = page(client, lead, days=7)
    assert figure(week, "Searches")[0] == "3"
    assert figure(week, "Zero-result rate")[0] == "33.3 %"
    assert figure(week, "Click-through rate")[0] == "50.0 %"

    month = page(client, lead, days=30)
    assert figure(month, "Searches")[0] == "4"
    assert figure(month, "Zero-result rate")[0] == "50.0 %"
    assert "old thing" not in month

    quarter = page(client, lead, days=90)
    assert figure(quarter, "Searches")[0] == "5"
    assert "old thing" in quarter


def test_the_chosen_period_is_marked_current(client, lead):
    body = page(client, lead, days=7)
    assert '<a href="?days=7" aria-current="page">Last 7 days</a>' in body
    assert '<a href="?days=30">Last 30 days</a>' in body


@pytest.mark.parametrize("days", ["365", "abc", "-7", "7.0", "0"])
def test_a_period_not_offered_shows_the_default_with_a_message(client, lead, days):
    body = page(client, lead, days=days)
    assert "The period can be 7, 30 or 90 days; this shows the last 30." in body
    assert 'aria-current="page">Last 30 days' in body


def test_no_data_yet_reads_as_such(client, lead):
    body = page(client, lead)
    assert figure(body, "Searches")[0] == "0"
    assert figure(body, "Zero-result rate")[0] == "—"
    assert "No searches in this period." in body
    assert body.count("None in this period.") == 3  # with the top refused questions
    assert "No answers in this period." in body


def test_top_lists_rank_searches_without_a_click_and_content_gaps(client, lead, searched, days_ago):
    for _ in range(3):
        searched("webhooks retry", 5, days_ago(1))
    searched("webhooks retry", 5, days_ago(1), opened=True)  # 4 searches, 3 unopened
    searched("rate limit", 2, days_ago(2))
    for _ in range(2):
        searched("saml", 0, days_ago(3))
    searched("scim", 0, days_ago(3))

    body = page(client, lead, days=7)
    unclicked = body[body.index('id="unclicked-title"') : body.index('id="gaps-title"')]
    gaps = body[body.index('id="gaps-title"') : body.index('id="feedback-title"')]
    ranked = re.findall(r'<th scope="row">([^<]+)</th>', unclicked)
    assert ranked == ["webhooks retry", "rate limit"]
    assert re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', gaps) == ["saml", "scim"]


def test_tickets_after_a_search_and_deflection(client, lead, days_ago, searched):
    from insights import recording
    from tests.insights.conftest import at

    searched("refund", 0, days_ago(1), hour=9)
    searched("invoice", 0, days_ago(1), hour=9)
    recording.record_ticket(search_query="refund", now=at(days_ago(1), 10))
    for intake in ("a", "b", "c", "d"):
        SuggestionOpen.objects.create(
            intake=intake, url="/kb/x/", title="X", created_at=at(days_ago(2))
        )

    body = page(client, lead, days=7)
    assert figure(body, "Searches followed by a ticket")[0] == "1"
    assert "50.0 % of searches" in body
    assert figure(body, "Deflection rate")[0] == "100 %"
    assert "4 of 4 ticket forms where a suggestion was opened sent no ticket" in body


def test_feedback_score_per_article_least_helpful_first(client, lead, make_guide):
    good, poor = make_guide("Good guide"), make_guide("Poor guide")
    guide_type = ContentType.objects.get_for_model(good)
    for n, (target, helpful) in enumerate(
        [(good, True), (good, True), (good, False), (poor, False), (poor, True), (poor, False)]
    ):
        Feedback.objects.create(
            content_type=guide_type, object_id=target.pk, voter=f"v{n}", helpful=helpful
        )

    body = page(client, lead)
    section = body[body.index('id="feedback-title"') :]
    rows = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>', section)
    assert [title for _, title in rows] == ["Poor guide", "Good guide"]
    assert rows[0][0] == poor.get_absolute_url()
    assert "33.3 %</a>" in section and "66.7 %</a>" in section


# -- links lead to what the number counts


def test_each_summary_number_links_to_the_events_it_counts(client, lead, searched, days_ago):
    searched("api key", 3, days_ago(0), opened=True)
    searched("api key", 3, days_ago(1))
    searched("sso setup", 0, days_ago(2))
    searched("sso setup", 0, days_ago(9))  # outside the week

    body = page(client, lead, days=7)
    for term, expected in [
        ("Searches", {"api key", "sso setup"}),
        ("Zero-result rate", {"sso setup"}),
        ("Click-through rate", {"api key"}),
    ]:
        _, url = figure(body, term)
        listing = client.get(url)
        assert listing.status_code == 200, url
        rows = list(listing.context["cl"].result_list)
        assert {row.text for row in rows} == expected, term
        shown = {"Searches": 3, "Zero-result rate": 1, "Click-through rate": 1}[term]
        assert len(rows) == shown, term


def test_top_list_and_day_links_list_those_searches(client, lead, searched, days_ago):
    searched("saml", 0, days_ago(3))
    searched("saml", 0, days_ago(3))
    searched("saml", 4, days_ago(2))

    body = page(client, lead, days=7)
    gaps = body[body.index('id="gaps-title"') : body.index('id="feedback-title"')]
    url = html.unescape(re.search(r'<td><a href="([^"]+)">2</a></td>', gaps).group(1))
    rows = list(client.get(url).context["cl"].result_list)
    assert len(rows) == 2 and all(r.results == 0 and r.text == "saml" for r in rows)

    day = days_ago(3).strftime("%a %-d %b %Y")
    row = re.search(rf"<th scope=\"row\">{day}</th>\s*<td><a href=\"([^\"]+)\">2</a>", body)
    rows = list(client.get(html.unescape(row.group(1))).context["cl"].result_list)
    assert len(rows) == 2


def test_links_to_other_apps_show_only_to_who_may_follow_them(client, editor, lead, searched):
    from datetime import date, timedelta

    from tests.insights.conftest import at

    searched("saml", 0, date.today())
    SuggestionOpen.objects.create(
        intake="a", url="/kb/x/", title="X", created_at=at(date.today()) - timedelta(days=2)
    )
    editor_body = page(client, editor)
    assert "/admin/tickets/suggestionopen/" not in editor_body  # editors see no tickets
    assert "/admin/insights/searchquery/?q=saml" in editor_body
    lead_body = page(client, lead)
    assert "/admin/insights/searchquery/?q=saml" in lead_body
    client.force_login(lead)
    url = html.unescape(re.search(r'href="(/admin/tickets/suggestionopen/[^"]+)"', lead_body)[1])
    assert client.get(url).status_code == 200


# -- text alternatives


def test_each_chart_has_a_title_a_description_and_a_table(client, lead, searched, days_ago):
    searched("api key", 3, days_ago(1), opened=True)
    searched("sso", 0, days_ago(1))
    searched("api key", 3, days_ago(2))

    body = page(client, lead, days=7)
    charts = re.findall(r'<svg class="insights-chart" role="img"[^>]*labelledby="([^"]+)"', body)
    assert len(charts) == 2
    for ids in charts:
        for id_ in ids.split():
            assert f'id="{id_}"' in body
    desc = re.search(r'<desc id="searches-svg-desc">([^<]+)</desc>', body).group(1)
    busiest = days_ago(1).strftime("%-d %b %Y")
    assert desc == (
        f"3 searches in 7 days, 1 of them found nothing. Busiest day {busiest} with 2, "
        f"quietest {days_ago(6).strftime('%-d %b %Y')} with 0."
    )
    rates = re.search(r'<desc id="rates-svg-desc">([^<]+)</desc>', body).group(1)
    assert rates.startswith("Zero-result rate 33.3 % over the period, from 0.0 % (")
    assert "Click-through rate 50.0 % over the period" in rates
    table = body[body.index('class="insights-days"') :]
    assert table.count('<tr><th scope="row">') >= 7
    assert "<caption>Searches per day," in table


def test_the_page_uses_no_inline_style_or_script(client, lead, searched, days_ago):
    searched("api key", 3, days_ago(1))
    body = page(client, lead, days=90)
    assert "style=" not in body
    assert "<script>" not in body and "<style" not in body


def test_words_searched_are_escaped(client, lead, days_ago, searched):
    searched('<script>alert("x")</script>', 0, days_ago(0))
    body = page(client, lead)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


def test_query_count_does_not_grow_with_data(
    client, lead, searched, days_ago, make_guide, django_assert_num_queries
):
    guide = make_guide()
    guide_type = ContentType.objects.get_for_model(guide)
    for n in range(30):
        searched(f"words {n % 7}", n % 3, days_ago(n), opened=n % 2 == 0)
        Feedback.objects.create(
            content_type=guide_type, object_id=guide.pk, voter=f"v{n}", helpful=n % 2 == 0
        )
    client.force_login(lead)
    # Session, user, two-factor device, permissions (2), day totals, 2 top lists (settled
    # sums, the live days, the searches of the texts shown), deflection (3), feedback (votes,
    # then their articles). The sidebar's "Add" beside Agent preferences costs none (whether
    # the lead has their own is asked on the add page only).
    with django_assert_num_queries(20):  # direct answers: totals, votes, top refused
        assert client.get(URL, {"days": 90}).status_code == 200
    with django_assert_num_queries(18):  # the settled sums from the cache
        assert client.get(URL, {"days": 90}).status_code == 200


def test_direct_answers_answered_refused_helpful_tickets_and_top_refused(client, lead):
    from answers.models import AnswerFeedback
    from insights.models import AnswerEvent

    for _ in range(3):
        AnswerEvent.record(text="how long is the reset link valid", answered=True)
    AnswerEvent.objects.filter(pk=AnswerEvent.objects.first().pk).update(ticket_followed=True)
    for _ in range(2):
        AnswerEvent.record(text="Do you offer refunds", answered=False)
    AnswerEvent.record(text="can I pay with paypal", answered=False)
    for helpful in (True, True, True, False):
        AnswerFeedback.objects.create(question="how long is the reset link valid", helpful=helpful)

    body = page(client, lead, days=7)
    assert figure(body, "Questions answered")[0] == "50.0 %"
    assert "3 answered, 3 refused, of 6 questions" in body
    assert figure(body, "Answer helpfulness")[0] == "75.0 %"
    assert "3 of 4 votes said the answer helped" in body
    assert figure(body, "Tickets sent after an answer")[0] == "1"
    refused = body[body.index('id="refused-title"') :]
    refused = refused[: refused.index("</table>")]
    assert re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', refused) == [
        ("do you offer refunds", "2"),
        ("can i pay with paypal", "1"),
    ]
