"""/api/v1/guides/, runbooks/, faq/, search and answers: published content only."""

from typing import Annotated

from ninja import Query, Router, Schema
from pydantic import Field

from api import content, twins
from api.auth import require
from api.main import ERRORS, ProblemOut
from api.schemas import (
    AnswerOut,
    FAQDetail,
    FAQOut,
    GuideDetail,
    GuideOut,
    PathSlug,
    RunbookDetail,
    RunbookOut,
    SearchOut,
    Text,
)

router = Router()
SCOPE = {"x-scope": "content:read"}


class SearchQuery(Schema):
    q: Annotated[Text, Field(min_length=1, max_length=500, description="What to look for.")]
    tag: Annotated[Text, Field(max_length=40)] | None = None
    page: Annotated[int, Field(ge=1, le=1000)] = 1


class AnswerQuery(Schema):
    q: Annotated[Text, Field(min_length=1, max_length=500, description="What to look for.")]


def _read(request):
    require(request, "content:read")


@router.get(
    "guides/",
    response={200: list[GuideOut], ERRORS: ProblemOut},
    url_name="guide-list",
    summary="List published guides",
    openapi_extra=SCOPE,
)
def guide_list(request):
    _read(request)
    return [content.guide_json(g) for g in twins.guides()]


@router.get(
    "guides/{slug:slug}",
    response={200: GuideDetail, ERRORS: ProblemOut},
    url_name="guide-detail",
    summary="Read a published guide",
    openapi_extra=SCOPE,
)
def guide_detail(request, slug: PathSlug):
    _read(request)
    return content.guide_json(content.one(twins.guides(), slug, "guide"), whole=True)


@router.get(
    "runbooks/",
    response={200: list[RunbookOut], ERRORS: ProblemOut},
    url_name="runbook-list",
    summary="List published runbooks",
    openapi_extra=SCOPE,
)
def runbook_list(request):
    _read(request)
    return [content.runbook_json(r) for r in twins.runbooks()]


@router.get(
    "runbooks/{slug:slug}",
    response={200: RunbookDetail, ERRORS: ProblemOut},
    url_name="runbook-detail",
    summary="Read a published runbook",
    openapi_extra=SCOPE,
)
def runbook_detail(request, slug: PathSlug):
    _read(request)
    return content.runbook_json(content.one(twins.runbooks(), slug, "runbook"), whole=True)


@router.get(
    "faq/",
    response={200: list[FAQOut], ERRORS: ProblemOut},
    url_name="faq-list",
    summary="List the FAQ",
    openapi_extra=SCOPE,
)
def faq_list(request):
    _read(request)
    return [content.faq_json(f) for f in twins.faq()]


@router.get(
    "faq/{slug:slug}",
    response={200: FAQDetail, ERRORS: ProblemOut},
    url_name="faq-detail",
    summary="Read an FAQ entry",
    openapi_extra=SCOPE,
)
def faq_detail(request, slug: PathSlug):
    _read(request)
    return content.faq_json(content.one(twins.faq(), slug, "FAQ entry"), whole=True)


@router.get(
    "search",
    response={200: SearchOut, ERRORS: ProblemOut},
    url_name="search",
    summary="Search guides, runbooks and the FAQ",
    openapi_extra=SCOPE,
)
def content_search(request, params: Query[SearchQuery]):
    """The site's search (typo correction, synonyms), ten results a page."""
    _read(request)
    return content.search_json(params.q, tag=params.tag, page=params.page)


@router.get(
    "answers",
    response={200: AnswerOut, ERRORS: ProblemOut},
    url_name="answer",
    summary="A direct answer quoted from the content",
    openapi_extra=SCOPE,
)
def content_answer(request, params: Query[AnswerQuery]):
    """The answer the search page shows (or null), with its citations, any open incident on
    a cited page, and the first results."""
    _read(request)
    return content.answer_json(params.q)
