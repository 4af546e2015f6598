import pytest

from kb.models import Feedback


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/kb/guide/",
        "/admin/kb/guide/?status__exact=published&q=billing",
        "/admin/kb/tag/",
        "/admin/kb/faqentry/",
        "/admin/kb/pageblock/",
        "/admin/kb/feedback/",
        "/admin/runbooks/runbook/?q=billing_required",
        "/admin/kb/guide/add/",
        "/admin/runbooks/runbook/add/",
    ],
)
def test_admin_pages_open(admin_client, content, url):
    assert admin_client.get(url, HTTP_HOST="127.0.0.1").status_code == 200


@pytest.mark.django_db
def test_guide_admin_shows_rendered_preview_and_vote_totals(admin_client, content, client):
    from kb.models import Guide

    guide = Guide.objects.get(slug="quickstart")
    client.post(guide.get_absolute_url() + "feedback/", {"helpful": "no", "reason": "Too long"})
    html = admin_client.get(f"/admin/kb/guide/{guide.pk}/change/", HTTP_HOST="127.0.0.1")
    html = html.content.decode()
    assert '<div class="admin-preview"><div class="prose" data-hx-disable>' in html
    assert "Too long" in html
    listing = admin_client.get("/admin/kb/guide/", HTTP_HOST="127.0.0.1").content.decode()
    assert 'class="field-no_votes">1<' in listing
    assert Feedback.objects.count() == 1


@pytest.mark.django_db
def test_runbook_checks_are_edited_and_reordered_inline(admin_client, make_runbook):
    runbook = make_runbook(checks=["First", "Second"], steps=["Fix"])
    url = f"/admin/runbooks/runbook/{runbook.pk}/change/"
    html = admin_client.get(url, HTTP_HOST="127.0.0.1").content.decode()
    assert 'name="checks-0-order"' in html and 'name="fix_steps-0-text"' in html
    checks = list(runbook.checks.all())
    data = {
        "title": runbook.title, "slug": runbook.slug, "summary": runbook.summary,
        "error_codes": "a_code", "status": "published", "order": 1,
        "escalation": runbook.escalation, "support_category": "other", "body": "",
        "checks-TOTAL_FORMS": 2, "checks-INITIAL_FORMS": 2,
        "checks-0-id": checks[0].pk, "checks-0-runbook": runbook.pk,
        "checks-0-text": "First", "checks-0-order": 2,
        "checks-1-id": checks[1].pk, "checks-1-runbook": runbook.pk,
        "checks-1-text": "Second", "checks-1-order": 1,
        "fix_steps-TOTAL_FORMS": 1, "fix_steps-INITIAL_FORMS": 1,
        "fix_steps-0-id": runbook.fix_steps.get().pk, "fix_steps-0-runbook": runbook.pk,
        "fix_steps-0-text": "Fix", "fix_steps-0-order": 1,
        "kb-feedback-content_type-object_id-TOTAL_FORMS": 0,
        "kb-feedback-content_type-object_id-INITIAL_FORMS": 0,
        "kb-outdatedreport-content_type-object_id-TOTAL_FORMS": 0,
        "kb-outdatedreport-content_type-object_id-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = admin_client.post(url, data, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [c.text for c in runbook.checks.all()] == ["Second", "First"]


@pytest.mark.django_db
def test_an_faq_slug_longer_than_its_address_allows_is_refused_with_why():
    """Its search address names the slug twice, in 300 characters: a 150-character slug was
    a 500 on PostgreSQL when the entry was indexed."""
    from django.core.exceptions import ValidationError

    from kb.models import FAQEntry

    entry = FAQEntry(question="Why?", slug="a" * 150, body="Because.")
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert "names it twice" in str(refused.value.message_dict["slug"])
    entry.slug = "a" * 100
    entry.full_clean()
    entry.save()
    assert FAQEntry.objects.get().slug == "a" * 100
