"""An editor previews unsaved Markdown beside the editor, saves, compares revisions and
restores one, in a real browser (htmx inside the admin, strict CSP, axe clean)."""

import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from accounts.roles import sync_roles
from kb.models import Guide
from tests.e2e.conftest import assert_accessible, screenshot


@pytest.fixture
def editor(db):
    sync_roles(django_apps)
    user = get_user_model().objects.create_user(
        "editor", "editor@example.com", "Editor-pass-123", is_staff=True, first_name="Eda"
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    return user


def log_in(page: Page, site):
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("Editor-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Guides")).to_be_visible()


def test_preview_save_compare_and_restore(page: Page, site, editor, csp_violations):
    page.set_viewport_size({"width": 1440, "height": 900})
    guide = Guide.objects.get(slug="quickstart")
    log_in(page, site)
    page.goto(f"{site}/admin/kb/guide/{guide.pk}/change/")

    # Typing shows the unsaved Markdown, sanitised, beside the editor; raw HTML that the
    # sanitiser drops is listed, and nothing is saved.
    body = page.get_by_role("textbox", name="Body")
    body.press("Control+End")
    body.press_sequentially("\n\n<script>alert('x')</script>\n\n## Fresh section\n\nNew words.")
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_role("heading", name="Fresh section")).to_be_visible()
    expect(preview.get_by_role("heading", name="Removed when saved")).to_be_visible()
    expect(preview.get_by_role("listitem")).to_contain_text(["<script> element removed"])
    expect(preview).not_to_contain_text("alert(")
    assert "Fresh section" not in Guide.objects.get(pk=guide.pk).body
    screenshot(page, "admin-editor-preview-1440")
    assert_accessible(page)

    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    # The script is gone from the public page: not run, and not shown as text either.
    public = page.context.new_page()
    public.goto(site + "/kb/quickstart/")
    expect(public.get_by_role("heading", name="Fresh section")).to_be_visible()
    expect(public.get_by_role("main")).not_to_contain_text("alert(")
    public.close()

    # The history: who and when, the differences, and a one-click restore.
    page.get_by_role("link", name="Revisions").click()
    expect(page.get_by_role("heading", name=re.compile("^Changes from"))).to_be_visible()
    rows = page.get_by_role("table", name="All revisions").get_by_role("row")
    expect(rows).to_have_count(3)  # the header, the import, this save
    expect(rows.nth(1)).to_contain_text("editor")
    added = page.locator(".diff ins")
    expect(added.filter(has_text="## Fresh section")).to_have_count(1)
    screenshot(page, "admin-revision-diff-1440")
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("^Restore")).click()
    # The guide is published: restoring changes what readers see, so it asks first.
    expect(page.get_by_text("This page is published.")).to_be_visible()
    screenshot(page, "admin-restore-confirm-1440")
    assert_accessible(page)
    page.get_by_role("button", name="Restore and publish this revision").click()
    expect(page.locator(".messagelist")).to_contain_text("Restored the revision of")
    expect(page.get_by_role("textbox", name="Body")).not_to_have_value(re.compile("Fresh section"))
    page.goto(site + "/kb/quickstart/")
    expect(page.get_by_role("heading", name="Fresh section")).to_have_count(0)
    assert csp_violations == []


def test_review_lists_and_runbook_editor_are_accessible(page: Page, site, editor, csp_violations):
    from datetime import timedelta

    from django.utils import timezone

    from kb.models import OutdatedReport
    from runbooks.models import Runbook

    runbook = Runbook.objects.get(slug="cannot-sign-in")
    runbook.owner, runbook.review_by = editor, timezone.localdate() - timedelta(days=1)
    runbook.save()
    OutdatedReport.record(target=runbook, browser_id="reader", note="New sign-in page")
    log_in(page, site)
    page.goto(site + "/admin/runbooks/runbook/?review=needed")
    expect(page.get_by_role("link", name=runbook.title)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("reported out of date by 1 reader")
    screenshot(page, "admin-needs-review-1440")
    assert_accessible(page)
    page.get_by_role("link", name=runbook.title).click()
    expect(page.get_by_role("region", name="Preview")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("New sign-in page")
    assert_accessible(page)
    page.goto(site + "/admin/kb/outdatedreport/")
    assert_accessible(page)
    assert csp_violations == []
