"""Content through the API: published guides, runbooks and FAQ, search and answers."""

import pytest

from kb.models import FAQEntry, Guide, PublishState
from runbooks.models import Runbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(api_as, editor):
    return api_as(editor, ["content:read"])


def test_lists_show_only_published_content(reader, content):
    draft = Guide.objects.published().first()
    draft.transition(PublishState.DRAFT)
    draft.save()
    guides = reader.get("/api/v1/guides/").json()
    slugs = {g["slug"] for g in guides}
    assert slugs == set(Guide.objects.published().values_list("slug", flat=True))
    assert draft.slug not in slugs
    assert reader.get(f"/api/v1/guides/{draft.slug}").status_code == 404
    runbooks = reader.get("/api/v1/runbooks/").json()
    assert len(runbooks) == Runbook.objects.published().count()
    assert len(reader.get("/api/v1/faq/").json()) == FAQEntry.objects.count()


def test_a_guide_runbook_and_faq_entry_whole(reader, content):
    guide = Guide.objects.published().first()
    body = reader.get(f"/api/v1/guides/{guide.slug}").json()
    assert body["body_markdown"] == guide.body and body["markdown_url"].endswith(
        f"/kb/{guide.slug}.md"
    )
    runbook = Runbook.objects.published().first()
    body = reader.get(f"/api/v1/runbooks/{runbook.slug}").json()
    assert body["checks"] == [c.text for c in runbook.checks.all()]
    assert "## Escalation" in body["body_markdown"]
    entry = FAQEntry.objects.first()
    assert reader.get(f"/api/v1/faq/{entry.slug}").json()["title"] == entry.question


def test_search_and_answers(reader, content):
    guide = Guide.objects.published().first()
    found = reader.get("/api/v1/search", {"q": guide.title}).json()
    assert found["total"] >= 1 and any(r["title"] == guide.title for r in found["results"])
    reply = reader.get("/api/v1/answers", {"q": "How do I rotate an API key?"}).json()
    assert reply["query"] == "How do I rotate an API key?" and "results" in reply


def test_content_needs_its_scope(api_as, agent, content):
    assert api_as(agent, ["tickets:read"]).get("/api/v1/guides/").status_code == 403
