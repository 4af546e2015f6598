"""Content as Markdown, for programs and language models to read: the twin of each guide,
runbook and FAQ entry (/kb/<slug>.md, /runbooks/<slug>.md, /faq/<slug>.md), and /llms.txt
and /llms-full.txt (the llms.txt convention, https://llmstxt.org/). Published content only.
Editors write Markdown already: a twin is their text with a title and a link to its page."""

from django.conf import settings

from kb.models import FAQEntry, Guide
from mail.links import absolute
from runbooks.models import Runbook


def guides():
    return Guide.objects.published().prefetch_related("tags").order_by("order", "title")


def runbooks():
    return (
        Runbook.objects.published()
        .prefetch_related("tags", "checks", "fix_steps")
        .order_by("order", "title")
    )


def faq():
    return FAQEntry.objects.order_by("order", "pk")


def twin_path(item):
    if isinstance(item, FAQEntry):
        return f"/faq/{item.slug}.md"
    return item.get_absolute_url().rstrip("/") + ".md"


def _source(item):
    return f"Source: {absolute(item.get_absolute_url())}"


def guide_markdown(guide):
    tags = ", ".join(t.name for t in guide.tags.all())
    head = [f"# {guide.title}", "", f"> {guide.summary}", "", _source(guide)]
    if tags:
        head.append(f"Tags: {tags}")
    return "\n".join([*head, "", guide.body.strip(), ""])


def _numbered(items):
    return [f"{n}. {' '.join(item.text.split())}" for n, item in enumerate(items, 1)]


def runbook_markdown(runbook):
    parts = [f"# {runbook.title}", "", f"> {runbook.summary}", "", _source(runbook)]
    if runbook.codes:
        parts.append("Error codes: " + ", ".join(f"`{code}`" for code in runbook.codes))
    if runbook.body.strip():
        parts += ["", "## Why this happens", "", runbook.body.strip()]
    if checks := _numbered(runbook.checks.all()):
        parts += ["", "## Checks", "", *checks]
    if steps := _numbered(runbook.fix_steps.all()):
        parts += ["", "## Fix", "", *steps]
    parts += ["", "## Escalation", "", runbook.escalation.strip(), ""]
    return "\n".join(parts)


def faq_markdown(entry):
    return "\n".join([f"# {entry.question}", "", _source(entry), "", entry.body.strip(), ""])


def markdown_of(item):
    if isinstance(item, Guide):
        return guide_markdown(item)
    if isinstance(item, Runbook):
        return runbook_markdown(item)
    return faq_markdown(item)


def _link(item, title, summary=""):
    line = f"- [{title}]({absolute(twin_path(item))})"
    return f"{line}: {' '.join(summary.split())}" if summary else line


def llms_txt():
    """The index: what the site is, and a link to each page's Markdown."""
    lines = [
        f"# {settings.STATUS_PAGE_NAME} help center",
        "",
        "> Guides, troubleshooting runbooks and answers to common questions about the "
        "platform; its status; and a REST API for support tickets.",
        "",
        f"Every page below is Markdown. All of it in one file: {absolute('/llms-full.txt')}. "
        f"Platform status as JSON: {absolute('/api/v2/summary.json')}. REST API: "
        f"{absolute('/api/v1/docs/')} (OpenAPI: {absolute('/api/v1/openapi.json')}).",
        "",
        "## Guides",
        "",
        *(_link(g, g.title, g.summary) for g in guides()),
        "",
        "## Runbooks",
        "",
        *(_link(r, r.title, r.summary) for r in runbooks()),
        "",
        "## Optional",
        "",
        *(_link(f, f.question) for f in faq()),
        "",
    ]
    return "\n".join(lines)


def llms_full_txt():
    parts = [f"# {settings.STATUS_PAGE_NAME} help center: everything", ""]
    for item in [*guides(), *runbooks(), *faq()]:
        parts += [markdown_of(item), "---", ""]
    return "\n".join(parts)
