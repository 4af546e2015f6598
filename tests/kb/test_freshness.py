"""Freshness: owners and review dates, the needs-review list (overdue, poor feedback, reported
out of date by readers), marking reviewed, the reader's report and the weekly digest."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kb.models import FAQEntry, Feedback, Guide, OutdatedReport
from runbooks.models import Runbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_user(
        "olga", "olga@example.com", is_staff=True, first_name="Olga"
    )


def vote(target, n, helpful, reason=""):
    for i in range(n):
        Feedback.record(target=target, browser_id=f"{helpful}-{i}", helpful=helpful, reason=reason)


def test_needs_review_for_each_reason_and_not_otherwise(make_guide, make_runbook, make_faq):
    today = timezone.localdate()
    overdue = make_guide("Overdue", review_by=today)
    make_guide("Fine", review_by=today + timedelta(days=1))
    poor = make_runbook("Poor")
    vote(poor, 3, helpful=False)
    vote(poor, 2, helpful=True)
    mixed = make_guide("Mixed")
    vote(mixed, 3, helpful=False)
    vote(mixed, 3, helpful=True)  # as many Yes as No: not poor
    faq = make_faq("Stale?")
    OutdatedReport.record(target=faq, browser_id="reader", note="Prices changed")

    assert [g.title for g in Guide.objects.needs_review()] == ["Overdue"]
    [runbook] = Runbook.objects.needs_review()
    assert runbook.review_reasons() == ["3 No to 2 Yes from readers"]
    [entry] = FAQEntry.objects.needs_review()
    assert entry.review_reasons() == ["reported out of date by 1 reader"]
    [guide] = Guide.objects.needs_review()
    assert guide.review_reasons(today) == [f"review was due {today:%-d %b %Y}"]
    assert overdue.pk == guide.pk


def test_marking_reviewed_moves_the_date_on_and_resets_the_counts(make_guide):
    guide = make_guide(review_by=timezone.localdate() - timedelta(days=3))
    vote(guide, 4, helpful=False)
    OutdatedReport.record(target=guide, browser_id="reader")
    assert Guide.objects.needs_review().count() == 1
    guide.mark_reviewed()
    assert guide.review_by == timezone.localdate() + timedelta(days=180)
    assert Guide.objects.needs_review().count() == 0
    OutdatedReport.record(target=guide, browser_id="another reader")
    assert Guide.objects.needs_review().count() == 1  # a new report counts again


def test_the_admin_needs_review_list_and_mark_reviewed_action(admin_client, make_guide):
    stale = make_guide("Stale guide", review_by=timezone.localdate() - timedelta(days=1))
    make_guide("Fresh guide")
    html = admin_client.get("/admin/kb/guide/?review=needed").content.decode()
    assert "Stale guide" in html and "Fresh guide" not in html
    assert "review was due" in html
    response = admin_client.post(
        "/admin/kb/guide/?review=needed",
        {"action": "mark_reviewed", "_selected_action": [stale.pk]},
    )
    assert response.status_code == 302
    assert "Stale guide" not in admin_client.get("/admin/kb/guide/?review=needed").content.decode()


@pytest.mark.parametrize(
    "url", ["/admin/kb/guide/?review=needed", "/admin/runbooks/runbook/?review=needed",
            "/admin/kb/faqentry/?review=needed", "/admin/kb/outdatedreport/"],
)  # fmt: skip
def test_review_lists_open(admin_client, content, url):
    assert admin_client.get(url).status_code == 200


def test_a_reader_reports_a_page_out_of_date_with_htmx(client, make_guide):
    guide = make_guide()
    response = client.post(
        guide.get_absolute_url() + "feedback/",
        {"outdated": "1", "reason": "The screenshots show the old dashboard"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Thanks: the page's owner will check it is up to date." in html
    assert "The screenshots show the old dashboard</textarea>" not in html  # sent: box emptied
    report = OutdatedReport.objects.get()
    assert report.note == "The screenshots show the old dashboard" and report.target == guide
    assert Feedback.objects.count() == 0  # not a Yes or a No
    assert Guide.objects.needs_review().get() == guide


def test_without_javascript_the_report_goes_by_the_feedback_page(client, make_runbook):
    runbook = make_runbook()
    url = runbook.get_absolute_url() + "feedback/"
    html = client.get(url + "?outdated=1&reason=Old+limits").content.decode()
    assert "Not sent yet: choose “Report it as out of date” below to send it." in html
    assert ">Old limits</textarea>" in html
    response = client.post(url, {"outdated": "1", "reason": "Old limits"})
    assert response["Location"] == url + "?reported=1#feedback"
    html = client.get(response["Location"]).content.decode()
    assert "Thanks: the page's owner will check it is up to date." in html
    # Reported twice from one browser: one report, the newest note.
    client.post(url, {"outdated": "1", "reason": "Old limits, still"})
    assert OutdatedReport.objects.get().note == "Old limits, still"


@pytest.mark.parametrize(
    "data",
    [{}, {"outdated": "maybe"}, {"outdated": "1", "reason": "x" * 501}, {"helpful": "perhaps"}],
)
def test_odd_feedback_posts_get_a_message_not_an_error(client, make_guide, data):
    response = client.post(make_guide().get_absolute_url() + "feedback/", data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert 'class="field-error"' in response.content.decode()


def test_the_shared_page_has_the_report_button(client, make_guide):
    html = client.get(make_guide().get_absolute_url()).content.decode()
    assert '<button type="submit" name="outdated" value="1" id="feedback-outdated"' in html


def test_owners_get_one_digest_of_what_needs_review(
    owner, make_guide, make_runbook, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://help.example.com"
    due = timezone.localdate() - timedelta(days=1)
    guide = make_guide("Rotate keys", owner=owner, review_by=due)
    runbook = make_runbook("Sign-in fails", owner=owner)
    OutdatedReport.record(target=runbook, browser_id="reader")
    make_guide("Someone else's", review_by=due)  # no owner: nobody to tell
    make_guide("Up to date", owner=owner)

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # sent once it is stored
        call_command("review_digest", stdout=out)
    assert "1 review digest sent." in out.getvalue()
    [message] = mail.outbox
    assert message.to == ["olga@example.com"]
    assert message.subject == "2 pages of yours need a review"
    assert "- Rotate keys (guide)" in message.body
    assert f"Why: review was due {due:%-d %b %Y}" in message.body
    assert f"Edit: https://help.example.com/admin/kb/guide/{guide.pk}/change/" in message.body
    assert "- Sign-in fails (runbook)\n  Why: reported out of date by 1 reader" in message.body
    assert "https://help.example.com/admin/kb/guide/?review=needed" in message.body
    assert "Up to date" not in message.body and "&" not in message.body


def test_no_digest_when_nothing_needs_review(owner, make_guide):
    make_guide(owner=owner)
    call_command("review_digest", stdout=StringIO())
    assert mail.outbox == []
