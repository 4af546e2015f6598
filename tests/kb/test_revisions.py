"""Revision history: every save kept with who and when, a readable diff, one-click restore
(an ordinary save: sanitised again, re-indexed, publish state untouched); and the live
preview endpoint the editor's htmx calls."""

import re

import pytest
from reversion.models import Version

from kb.models import Guide, PublishState
from kb.revisions import diff_versions, restore_version, versions_of
from runbooks.models import Runbook
from search.services import search

pytestmark = pytest.mark.django_db


def guide_form(guide, **changes):
    data = {
        "title": guide.title,
        "slug": guide.slug,
        "summary": guide.summary,
        "order": guide.order,
        "body": guide.body,
        "status": guide.status,
        "kb-feedback-content_type-object_id-TOTAL_FORMS": 0,
        "kb-feedback-content_type-object_id-INITIAL_FORMS": 0,
        "kb-outdatedreport-content_type-object_id-TOTAL_FORMS": 0,
        "kb-outdatedreport-content_type-object_id-INITIAL_FORMS": 0,
    }
    return {**data, **changes}


def test_import_and_admin_saves_are_kept_with_who_and_when(admin_client, admin_user, content):
    guide = Guide.objects.get(slug="quickstart")
    [imported] = versions_of(guide)
    assert imported.revision.user is None
    assert imported.revision.get_comment() == "Created by import_content from quickstart.md."
    response = admin_client.post(
        f"/admin/kb/guide/{guide.pk}/change/", guide_form(guide, body="Shorter body.")
    )
    assert response.status_code == 302
    latest, first = versions_of(guide)
    assert latest.revision.user == admin_user and first == imported
    assert latest.field_dict["body"] == "Shorter body."


def test_the_history_page_shows_who_the_diff_and_restore_buttons(admin_client, content):
    guide = Guide.objects.get(slug="quickstart")
    admin_client.post(
        f"/admin/kb/guide/{guide.pk}/change/",
        guide_form(guide, body=guide.body + "\n\nOne more line.", title="Quickstart!"),
    )
    html = admin_client.get(f"/admin/kb/guide/{guide.pk}/history/").content.decode()
    assert "Revisions of “Quickstart!”" in html
    assert "Created by import_content from quickstart.md." in html
    assert '<span class="visually-hidden">Added: </span>One more line.</ins>' in html
    assert re.search(r"<h3>Title</h3>.*?Removed: </span>Quickstart: from", html, re.S)
    assert html.count(">Restore<span") == 1  # the older one; the newest is current


def test_restore_brings_the_content_back_but_not_the_publish_state(client, content):
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.create_user("eda", is_staff=True)
    guide = Guide.objects.get(slug="quickstart")
    [original] = versions_of(guide)
    guide.body = "Zebra words only."
    guide.save()
    guide.transition(PublishState.UNPUBLISHED)
    assert search("zebra").total == 0  # unpublished: not in the index

    restore_version(original, user=editor)
    guide.refresh_from_db()
    assert guide.body == original.field_dict["body"] and "Zebra" not in guide.body_html
    assert guide.status == PublishState.UNPUBLISHED
    latest = versions_of(guide).first()
    assert latest.revision.user == editor
    assert latest.revision.get_comment().startswith("Restored the revision of ")


def test_restore_of_a_runbook_brings_back_its_checks_and_steps(admin_user, content):
    runbook = Runbook.objects.get(slug="cannot-sign-in")
    checks = [c.text for c in runbook.checks.all()]
    [original] = versions_of(runbook)
    runbook.checks.all().delete()
    runbook.checks.create(text="Only this", order=1)
    restore_version(original, user=admin_user)
    assert [c.text for c in runbook.checks.all()] == checks
    assert search(checks[0].split()[0]).total >= 1


def test_a_check_deleted_in_a_save_is_not_in_that_revision(admin_user, make_runbook):
    import reversion

    runbook = make_runbook(checks=("Keep me", "Drop me"))
    with reversion.create_revision():
        runbook.save()
    with reversion.create_revision():
        runbook.save()
        runbook.checks.get(text="Drop me").delete()
    latest, before = versions_of(runbook)[:2]
    [diff] = diff_versions(before, latest)
    assert diff.label == "Checks"
    assert diff.lines == [("same", "Keep me"), ("del", "Drop me")]


def test_restore_needs_the_change_permission_and_a_post(client, staff_in, content):
    guide = Guide.objects.get(slug="quickstart")
    version = versions_of(guide).first()
    url = f"/admin/kb/guide/{guide.pk}/history/{version.pk}/restore/"
    agent = staff_in("Support agents")
    client.force_login(agent)
    assert client.post(url).status_code == 403
    client.force_login(staff_in("Content editors"))
    assert client.get(url).status_code == 405
    response = client.post(url, {"confirm": "yes"})  # a published guide: confirmed
    assert response.status_code == 302
    assert response["Location"] == f"/admin/kb/guide/{guide.pk}/change/"
    assert Version.objects.get_for_object(guide).count() == 2


def test_preview_renders_unsaved_markdown_and_lists_what_will_be_dropped(admin_client, content):
    guide = Guide.objects.get(slug="quickstart")
    body = "## Draft heading\n\n<script>steal()</script>\n\n<p onclick='x()'>Hi</p>"
    response = admin_client.post("/admin/kb/guide/preview/", {"body": body}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<h2 id="draft-heading">Draft heading</h2>' in html
    assert "Removed when saved" in html
    assert "&lt;script&gt; element removed, with everything inside it" in html
    assert "onclick attribute removed from &lt;p&gt;" in html
    assert "steal()" not in html and "onclick='x()'" not in html
    assert "Draft heading" not in Guide.objects.get(pk=guide.pk).body  # nothing saved
    assert admin_client.get("/admin/kb/guide/preview/").status_code == 405


@pytest.mark.parametrize(
    "url", ["/admin/kb/faqentry/preview/", "/admin/kb/pageblock/preview/",
            "/admin/runbooks/runbook/preview/"],
)  # fmt: skip
def test_every_markdown_editor_has_the_preview(admin_client, url):
    response = admin_client.post(url, {"body": "**bold**"})
    assert "<strong>bold</strong>" in response.content.decode()


def test_preview_is_for_editors_only(client, staff_in):
    client.force_login(staff_in("Support agents"))
    assert client.post("/admin/kb/guide/preview/", {"body": "x"}).status_code == 403
    client.logout()
    assert client.post("/admin/kb/guide/preview/", {"body": "x"}).status_code == 302


def test_the_editor_is_sized_for_a_long_guide_and_wired_to_the_preview(admin_client, content):
    guide = Guide.objects.get(slug="quickstart")
    html = admin_client.get(f"/admin/kb/guide/{guide.pk}/change/").content.decode()
    textarea = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", html).group(0)
    assert 'rows="30"' in textarea and 'class="markdown-editor"' in textarea
    assert 'data-hx-post="/admin/kb/guide/preview/"' in textarea
    assert 'id="markdown-preview"' in html
