"""/api/v1/runbooks/ for editors (content:write): create and change runbooks as the admin
does, their checks and fix steps in order with them. The same rules as guides
(api.routes.content_write): one revision per save by the token's user (the checks and
steps inside it), the Markdown sanitised by the model's save, the publish table's moves
only (409 with `allowed`)."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema, Status
from pydantic import ConfigDict, Field, StrictInt

from api import content
from api.main import ERRORS, ProblemOut
from api.problems import Problem
from api.routes.content import router  # the same paths as the reads: one view per path
from api.routes.content_write import (
    SCOPE,
    Markdown,
    Slug,
    State,
    Tags,
    _editor,
    _existing,
    _move,
    _saved,
    _slug,
)
from api.schemas import IsoTime, PathSlug, Text
from core.categories import SupportCategory
from kb.models import Guide
from kb.models.publishing import PublishState
from runbooks.models import Runbook, RunbookCheck, RunbookFixStep

ErrorCode = Annotated[str, Field(max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
Step = Annotated[Text, Field(min_length=1, max_length=2000)]
Steps = Annotated[list[Step], Field(max_length=50)]
Category = Literal[tuple(SupportCategory.values)]
GuideSlugs = Annotated[list[Slug], Field(max_length=20)]


class RunbookIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[Text, Field(min_length=1, max_length=200)]
    slug: Slug | None = Field(None, description="Made from the title when left out.")
    summary: Annotated[Text, Field(min_length=1, max_length=300, description="The symptom.")]
    body: Markdown = Field("", description="Why this happens (optional background).")
    error_codes: Annotated[list[ErrorCode], Field(max_length=20)] = []
    checks: Steps = Field([], description="What to check, in order.")
    fix_steps: Steps = Field([], description="How to fix it, in order.")
    escalation: Annotated[Text, Field(min_length=1, max_length=5000)]
    category: Category = Field(SupportCategory.OTHER, description="A ticket opened from it.")
    related_guides: GuideSlugs = []
    tags: Tags = []
    order: Annotated[StrictInt, Field(ge=0, le=100_000)] = 100
    status: State = Field(PublishState.DRAFT, description="A new runbook is a draft by default.")
    publish_at: IsoTime | None = None
    unpublish_at: IsoTime | None = None


class RunbookPatch(Schema):
    """Only what is given changes; `checks`, `fix_steps`, `related_guides` and `tags`, when
    given, replace the whole list."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[Text, Field(min_length=1, max_length=200)] | None = None
    summary: Annotated[Text, Field(min_length=1, max_length=300)] | None = None
    body: Markdown | None = None
    error_codes: Annotated[list[ErrorCode], Field(max_length=20)] | None = None
    checks: Steps | None = None
    fix_steps: Steps | None = None
    escalation: Annotated[Text, Field(min_length=1, max_length=5000)] | None = None
    category: Category | None = None
    related_guides: GuideSlugs | None = None
    tags: Tags | None = None
    order: Annotated[StrictInt, Field(ge=0, le=100_000)] | None = None
    status: State | None = None
    publish_at: IsoTime | None = None
    unpublish_at: IsoTime | None = None


class EditedRunbook(Schema):
    slug: str
    title: str
    summary: str
    tags: list[str]
    error_codes: list[str]
    category: str
    checks: list[str]
    fix_steps: list[str]
    escalation: str
    related_guides: list[str]
    order: int
    status: State
    publish_at: datetime | None
    unpublish_at: datetime | None
    url: str
    body_markdown: str = Field(description="The whole runbook as Markdown.")
    body_html: str = Field(description="The background, sanitised HTML as the page shows it.")
    updated_at: datetime


def runbook_json(runbook):
    return {
        **content.runbook_json(runbook, whole=True),
        "related_guides": [g.slug for g in runbook.related_guides.order_by("slug")],
        "order": runbook.order,
        "status": runbook.status,
        "publish_at": runbook.publish_at,
        "unpublish_at": runbook.unpublish_at,
    }


def _guides(slugs):
    """The guides named, drafts included (an editor may link a guide before it is out)."""
    found = {g.slug: g for g in Guide.objects.filter(slug__in=slugs)}
    missing = [slug for slug in dict.fromkeys(slugs) if slug not in found]
    if missing:
        raise Problem(422, f"No guide has the slug {', '.join(missing)}.", kind="validation")
    return [found[slug] for slug in dict.fromkeys(slugs)]


def _lists(runbook, changes, guides):
    """What saving the runbook also writes, inside its revision: the steps in the order
    given (replacing the old ones), the related guides."""

    def write():
        for name, model in (("checks", RunbookCheck), ("fix_steps", RunbookFixStep)):
            if changes.get(name) is not None:
                getattr(runbook, name).all().delete()
                for n, text in enumerate(changes[name]):
                    model.objects.create(runbook=runbook, text=text, order=n)
        if guides is not None:
            runbook.related_guides.set(guides)

    return write


@router.post(
    "runbooks/",
    response={201: EditedRunbook, ERRORS: ProblemOut},
    url_name="runbook-create",
    summary="Create a runbook with its checks and fix steps (a draft unless told otherwise)",
    openapi_extra=SCOPE,
)
def runbook_create(request, data: RunbookIn):
    user = _editor(request, Runbook, "add")
    guides = _guides(data.related_guides)
    runbook = Runbook(
        title=data.title,
        slug=_slug(data.slug, data.title, Runbook),
        summary=data.summary,
        body=data.body,
        error_codes=", ".join(data.error_codes),
        escalation=data.escalation,
        support_category=data.category,
        order=data.order,
        publish_at=data.publish_at,
        unpublish_at=data.unpublish_at,
        status=data.status,
    )
    _move(runbook, PublishState.DRAFT)
    also = _lists(runbook, data.dict(), guides)
    _saved(runbook, user, "Created through the API.", tags=data.tags, also=also)
    return Status(201, runbook_json(runbook))


@router.patch(
    "runbooks/{slug:slug}",
    response={200: EditedRunbook, ERRORS: ProblemOut},
    url_name="runbook-update",
    summary="Change a runbook: its text, steps, links, publish state or times",
    openapi_extra=SCOPE,
)
def runbook_update(request, slug: PathSlug, data: RunbookPatch):
    user = _editor(request, Runbook, "change")
    runbook = _existing(Runbook, slug, "runbook")
    changes = data.dict(exclude_unset=True)
    listed = changes.get("related_guides")
    guides = None if listed is None else _guides(listed)
    old_state = runbook.status
    fields = ("title", "summary", "body", "escalation", "order", "publish_at", "unpublish_at")
    for name in (*fields, "status"):
        if changes.get(name) is not None:
            setattr(runbook, name, changes[name])
    if changes.get("error_codes") is not None:
        runbook.error_codes = ", ".join(changes["error_codes"])
    if changes.get("category") is not None:
        runbook.support_category = changes["category"]
    _move(runbook, old_state)
    also = _lists(runbook, changes, guides)
    _saved(runbook, user, "Changed through the API.", tags=changes.get("tags"), also=also)
    return runbook_json(runbook)
