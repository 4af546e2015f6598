import pytest

from kb.models import Feedback, PublishState


@pytest.mark.django_db
def test_runbook_page_lists_checks_fixes_and_escalation_in_order(client, content):
    html = client.get("/runbooks/cannot-sign-in/").content.decode()
    checks = [
        "Confirm email/password are correct",
        "If error is email_not_verified",
        "If 2FA is enabled, ensure device time is synced",
        "Check account lockout message",
    ]
    positions = [html.index(text) for text in checks]
    assert positions == sorted(positions)
    assert html.index("Use password reset flow") > positions[-1]
    assert "If login is still blocked, contact support with the time of attempts" in html
    assert '<ol class="checklist" data-kind="check">' in html
    assert "<code>email_not_verified</code>" in html


@pytest.mark.django_db
def test_still_blocked_links_to_the_form_with_the_runbook(client, content):
    html = client.get("/runbooks/billing-required/").content.decode()
    assert 'href="/support/?runbook=billing-required"' in html
    support = client.get("/support/?runbook=billing-required").content.decode()
    assert "Billing required before model access" in support


@pytest.mark.django_db
def test_runbook_links_related_guides(client, content):
    html = client.get("/runbooks/billing-required/").content.decode()
    assert 'href="/kb/billing-and-usage/"' in html


@pytest.mark.django_db
def test_unknown_runbook_is_404(client, content):
    assert client.get("/runbooks/nope/").status_code == 404


def test_a_draft_is_for_editors_of_runbooks_not_for_all_staff(client, make_runbook, staff_in):
    runbook = make_runbook("Unreleased", status=PublishState.DRAFT)
    assert client.get(runbook.get_absolute_url()).status_code == 404
    client.force_login(staff_in("Support agents"))  # staff, but no permission on runbooks
    assert client.get(runbook.get_absolute_url()).status_code == 404
    client.force_login(staff_in("Content editors"))
    response = client.get(runbook.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only editors of runbooks can see it." in response.content.decode()


@pytest.mark.django_db
def test_runbook_feedback(client, make_runbook):
    runbook = make_runbook()
    client.post(runbook.get_absolute_url() + "feedback/", {"helpful": "yes"})
    assert Feedback.objects.for_object(runbook).get().helpful is True


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 40])
def test_runbook_query_count_does_not_grow(
    client, make_guide, make_runbook, django_assert_num_queries, count, status_unchanged
):
    guides = [make_guide() for _ in range(count)]
    runbook = make_runbook(
        related_guides=guides, checks=[f"c{i}" for i in range(count)], tags=["a", "b"]
    )
    with django_assert_num_queries(5):
        client.get(runbook.get_absolute_url())


@pytest.mark.django_db
def test_error_codes_are_validated(make_runbook):
    from django.core.exceptions import ValidationError

    runbook = make_runbook(error_codes="billing_required, Bad-Code")
    with pytest.raises(ValidationError, match="Bad-Code"):
        runbook.full_clean()
