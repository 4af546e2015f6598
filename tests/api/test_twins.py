"""/llms.txt, /llms-full.txt and the Markdown twin of each published page, cached like the
pages until the content changes."""

import pytest

from kb.models import FAQEntry, Guide, PublishState
from runbooks.models import Runbook

pytestmark = pytest.mark.django_db


def test_llms_txt_links_every_published_page_as_markdown(client, content):
    index = client.get("/llms.txt")
    assert index.status_code == 200 and index["Content-Type"].startswith("text/plain")
    text = index.content.decode()
    assert text.startswith("# ") and "\n> " in text and "## Guides" in text
    for guide in Guide.objects.published():
        assert f"/kb/{guide.slug}.md)" in text
    for runbook in Runbook.objects.published():
        assert f"/runbooks/{runbook.slug}.md)" in text
    for entry in FAQEntry.objects.all():
        assert f"/faq/{entry.slug}.md)" in text
    full = client.get("/llms-full.txt").content.decode()
    assert all(g.title in full for g in Guide.objects.published())


def test_each_twin_is_the_pages_markdown(client, content):
    guide = Guide.objects.published().first()
    twin = client.get(f"/kb/{guide.slug}.md")
    assert twin["Content-Type"] == "text/markdown; charset=utf-8"
    assert twin.content.decode().startswith(f"# {guide.title}\n")
    assert guide.body.strip() in twin.content.decode()
    runbook = Runbook.objects.published().first()
    text = client.get(f"/runbooks/{runbook.slug}.md").content.decode()
    assert "## Checks" in text and runbook.escalation.strip() in text
    entry = FAQEntry.objects.first()
    assert client.get(f"/faq/{entry.slug}.md").content.decode().startswith(f"# {entry.question}")
    assert client.get("/kb/no-such-guide.md").status_code == 404


def test_a_draft_has_no_twin_and_the_cache_forgets_it(client, content, settings):
    settings.PAGE_CACHE = True
    guide = Guide.objects.published().first()
    assert client.get(f"/kb/{guide.slug}.md").status_code == 200
    assert f"/kb/{guide.slug}.md" in client.get("/llms.txt").content.decode()
    guide.transition(PublishState.DRAFT)
    guide.save()
    assert client.get(f"/kb/{guide.slug}.md").status_code == 404
    assert f"/kb/{guide.slug}.md" not in client.get("/llms.txt").content.decode()


def test_twins_are_served_from_the_page_cache(client, content, settings, django_assert_num_queries):
    settings.PAGE_CACHE = True
    guide = Guide.objects.published().first()
    first = client.get(f"/kb/{guide.slug}.md")
    with django_assert_num_queries(0):
        again = client.get(f"/kb/{guide.slug}.md")
    assert again.content == first.content
