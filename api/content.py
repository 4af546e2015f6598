"""Published content, search and answers as the API gives them (the same queries as the
pages: kb, runbooks, search, answers)."""

from answers.serializers import reply_json
from answers.services import answer
from api import twins
from api.problems import Problem
from mail.links import absolute
from search.services import search


def _tags(item):
    return [tag.name for tag in item.tags.all()]


def _common(item, title):
    return {
        "slug": item.slug,
        "title": title,
        "url": absolute(item.get_absolute_url()),
        "markdown_url": absolute(twins.twin_path(item)),
        "updated_at": item.updated_at,
    }


def guide_json(guide, *, whole=False):
    data = {**_common(guide, guide.title), "summary": guide.summary, "tags": _tags(guide)}
    if whole:
        data.update(body_markdown=guide.body, body_html=guide.body_html)
    return data


def runbook_json(runbook, *, whole=False):
    data = {
        **_common(runbook, runbook.title),
        "summary": runbook.summary,
        "tags": _tags(runbook),
        "error_codes": runbook.codes,
        "category": runbook.support_category,
    }
    if whole:
        data.update(
            body_markdown=twins.runbook_markdown(runbook),
            body_html=runbook.body_html,
            checks=[c.text for c in runbook.checks.all()],
            fix_steps=[s.text for s in runbook.fix_steps.all()],
            escalation=runbook.escalation,
        )
    return data


def faq_json(entry, *, whole=False):
    data = _common(entry, entry.question)
    if whole:
        data.update(body_markdown=entry.body, body_html=entry.body_html)
    return data


def one(queryset, slug, what):
    found = queryset.filter(slug=slug).first()
    if found is None:
        raise Problem(404, f"No published {what} has this slug.", kind="not-found")
    return found


def search_json(text, *, tag=None, page=1):
    """The site's search (typo correction, synonyms), ten results a page."""
    results = search(" ".join(text.split()), tag=tag, page=page)
    return {
        "query": results.query,
        "corrected": results.corrected,
        "total": results.total,
        "results": [
            {
                "kind": hit.kind,
                "title": hit.title,
                "section": hit.section,
                "url": absolute(hit.url),
                "codes": hit.codes,
            }
            for hit in results.hits
        ],
    }


def answer_json(text):
    """The answer the search page shows (or null), with its citations, any open incident on
    a cited page, and the first results."""
    return reply_json(answer(text), search(text, per_page=5, as_you_type=False))
