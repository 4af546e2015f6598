"""Editors write guides and FAQ entries through the API (issue 24, item 4): revisions, the
sanitiser and the publish states, as in the admin."""

import pytest
from reversion.models import Version

from kb.models import FAQEntry, Guide
from runbooks.models import Runbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_api(api_as, editor):
    return api_as(editor, ["content:write", "content:read"])


def test_an_editor_drafts_then_publishes_a_guide_with_its_history(editor_api, editor, client):
    created = editor_api.post(
        "/api/v1/guides/",
        {
            "title": "Rotate webhook secrets",
            "summary": "Without dropping a delivery.",
            "body": "## Steps\n\nRotate it. <script>alert(1)</script>",
            "tags": ["Webhooks"],
        },
    )
    assert created.status_code == 201, created.content
    guide = created.json()
    assert guide["slug"] == "rotate-webhook-secrets" and guide["status"] == "draft"
    assert "<script>" not in guide["body_html"] and "<h2" in guide["body_html"]
    assert guide["tags"] == ["Webhooks"]
    # A draft is not public: not on its page, not in the read API without drafts.
    assert client.get("/kb/rotate-webhook-secrets/").status_code == 404

    published = editor_api.patch("/api/v1/guides/rotate-webhook-secrets", {"status": "published"})
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    page = client.get("/kb/rotate-webhook-secrets/")
    assert page.status_code == 200 and "Rotate it." in page.content.decode()

    versions = Version.objects.get_for_object(Guide.objects.get(slug="rotate-webhook-secrets"))
    assert len(versions) == 2
    assert {v.revision.user for v in versions} == {editor}
    assert versions[0].revision.comment == "Changed through the API."


def test_a_move_the_publish_table_does_not_allow_is_a_conflict(editor_api):
    editor_api.post("/api/v1/guides/", {"title": "Draft one", "summary": "S", "body": "x"})
    wrong = editor_api.patch("/api/v1/guides/draft-one", {"status": "unpublished"})
    assert wrong.status_code == 409
    assert wrong["Content-Type"] == "application/problem+json"
    assert set(wrong.json()["allowed"]) == {"scheduled", "published"}
    # Scheduling needs a time in the future.
    assert editor_api.patch("/api/v1/guides/draft-one", {"status": "scheduled"}).status_code == 409
    assert Guide.objects.get(slug="draft-one").status == "draft"


def test_a_taken_slug_and_a_missing_guide_are_clear_problems(editor_api):
    missing = editor_api.post("/api/v1/guides/", {"title": "No summary"})
    assert missing.status_code == 422 and "summary" in str(missing.json()["errors"])
    assert editor_api.post("/api/v1/guides/", {"title": "Same", "summary": "S"}).status_code == 201
    taken = editor_api.post("/api/v1/guides/", {"title": "Same", "summary": "S"})
    assert taken.status_code == 409 and "same" in taken.json()["detail"]
    assert editor_api.patch("/api/v1/guides/nothing-here", {"title": "x"}).status_code == 404


def test_faq_entries_are_added_and_changed(editor_api, client):
    created = editor_api.post(
        "/api/v1/faq/",
        {"question": "Can I pay by invoice?", "body": "Yes, on **Business**."},
    )
    assert created.status_code == 201, created.content
    assert created.json()["slug"] == "can-i-pay-by-invoice"
    assert "<strong>Business</strong>" in created.json()["body_html"]
    changed = editor_api.patch("/api/v1/faq/can-i-pay-by-invoice", {"body": "Yes, yearly."})
    assert changed.status_code == 200
    assert FAQEntry.objects.get(slug="can-i-pay-by-invoice").body == "Yes, yearly."
    assert "Can I pay by invoice?" in client.get("/").content.decode()


def test_an_faq_slug_too_long_for_its_address_is_refused(editor_api):
    """Its address names it twice: at 200 characters search could not store it (a 500 on
    PostgreSQL, found by schemathesis)."""
    long = editor_api.post("/api/v1/faq/", {"question": "Q?", "slug": "0" * 101})
    assert long.status_code == 422
    made = editor_api.post("/api/v1/faq/", {"question": "Why " * 60 + "?"})
    assert made.status_code == 201 and len(made.json()["slug"]) <= 100


def test_only_editors_tokens_with_the_scope_write(api_as, agent, editor):
    read_only = api_as(editor, ["content:read"]).post(
        "/api/v1/guides/", {"title": "x", "summary": "S"}
    )
    assert read_only.status_code == 403
    # content:write needs a role that may change guides: an agent's token cannot have it work.
    agents = api_as(agent, ["content:write"]).post(
        "/api/v1/guides/", {"title": "x", "summary": "S"}
    )
    assert agents.status_code == 403
    assert not Guide.objects.exists()


RUNBOOK = {
    "title": "Streams stop after 60 seconds",
    "summary": "A streamed answer stops early.",
    "body": "A proxy closes idle connections. <script>alert(1)</script>",
    "error_codes": ["stream_timeout"],
    "checks": ["Check the proxy's read timeout.", "Check the client's timeout."],
    "fix_steps": ["Raise the proxy's read timeout to 300 s."],
    "escalation": "Send the request id and the time it stopped.",
    "category": "api",
    "tags": ["Streaming"],
}


def test_an_editor_writes_a_runbook_with_its_steps_and_publishes_it(
    editor_api, editor, client, make_guide
):
    guide = make_guide(title="Streaming", slug="streaming")
    created = editor_api.post("/api/v1/runbooks/", {**RUNBOOK, "related_guides": ["streaming"]})
    assert created.status_code == 201, created.content
    runbook = created.json()
    assert runbook["slug"] == "streams-stop-after-60-seconds" and runbook["status"] == "draft"
    assert runbook["checks"] == RUNBOOK["checks"] and runbook["fix_steps"] == RUNBOOK["fix_steps"]
    assert runbook["related_guides"] == ["streaming"] and runbook["error_codes"] == [
        "stream_timeout"
    ]
    assert "<script>" not in runbook["body_html"] and runbook["category"] == "api"
    url = "/runbooks/streams-stop-after-60-seconds/"
    assert client.get(url).status_code == 404  # a draft

    changed = editor_api.patch(
        "/api/v1/runbooks/streams-stop-after-60-seconds",
        {"checks": ["Check the load balancer's idle timeout."], "status": "published"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["checks"] == ["Check the load balancer's idle timeout."]
    assert changed.json()["fix_steps"] == RUNBOOK["fix_steps"]  # not given: kept
    page = client.get(url).content.decode()
    assert "load balancer&#x27;s idle timeout" in page
    assert "Check the proxy&#x27;s read timeout." not in page
    assert guide.title in page  # the related guide is linked
    read = editor_api.get("/api/v1/runbooks/streams-stop-after-60-seconds").json()
    assert read["checks"] == ["Check the load balancer's idle timeout."]

    versions = Version.objects.get_for_object(Runbook.objects.get(slug=runbook["slug"]))
    assert len(versions) == 2 and {v.revision.user for v in versions} == {editor}
    # The steps are in each revision, so the admin's history can bring them back.
    first = versions.order_by("pk")[0].revision.version_set.all()
    assert {v.object_repr for v in first} >= set(RUNBOOK["checks"])


def test_a_runbook_write_refuses_what_the_admin_refuses(editor_api, api_as, agent):
    no_escalation = {k: v for k, v in RUNBOOK.items() if k != "escalation"}
    missing = editor_api.post("/api/v1/runbooks/", no_escalation)
    assert missing.status_code == 422 and "escalation" in str(missing.json()["errors"])
    bad_code = editor_api.post("/api/v1/runbooks/", {**RUNBOOK, "error_codes": ["Bad-Code"]})
    assert bad_code.status_code == 422
    unknown = editor_api.post("/api/v1/runbooks/", {**RUNBOOK, "related_guides": ["nope"]})
    assert unknown.status_code == 422 and "nope" in unknown.json()["detail"]
    assert editor_api.post("/api/v1/runbooks/", RUNBOOK).status_code == 201
    taken = editor_api.post("/api/v1/runbooks/", RUNBOOK)
    assert taken.status_code == 409 and "taken" in taken.json()["detail"]
    wrong = editor_api.patch(
        "/api/v1/runbooks/streams-stop-after-60-seconds", {"status": "unpublished"}
    )
    assert wrong.status_code == 409 and set(wrong.json()["allowed"]) == {"scheduled", "published"}
    # A support agent's token cannot write content, whatever its scopes say.
    agents = api_as(agent, ["content:write"]).post("/api/v1/runbooks/", {**RUNBOOK, "slug": "x"})
    assert agents.status_code == 403 and "content:write" in agents.json()["detail"]
    assert Runbook.objects.count() == 1
