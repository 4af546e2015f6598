"""/api/v1/guides/ and faq/ for editors (content:write): create and change guides and FAQ
entries as the admin does. Each save is a revision (django-reversion, in the admin's history,
by the token's user), the Markdown is rendered and sanitised by the models' own save, and a
guide's publish state moves only along the publish table (kb.models.publishing): an illegal
move is a 409 whose `allowed` lists the states it can take."""

from datetime import datetime
from typing import Annotated, Literal

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from ninja import Schema, Status
from pydantic import ConfigDict, Field, StrictInt

from api import content
from api.auth import require
from api.main import ERRORS, ProblemOut
from api.problems import Problem
from api.routes.content import router  # the same paths as the reads: one view per path
from api.schemas import IsoTime, PathSlug, TagName, Text
from kb.models import FAQEntry, Guide, Tag
from kb.models.content import FAQ_SLUG_LENGTH
from kb.models.publishing import TRANSITIONS, IllegalPublishMove, PublishState

SCOPE = {"x-scope": "content:write"}

Slug = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[-a-z0-9_]+$")]
FAQSlug = Annotated[  # kb.models.content.FAQEntry.clean says why shorter
    str, Field(min_length=1, max_length=FAQ_SLUG_LENGTH, pattern=r"^[-a-z0-9_]+$")
]
Markdown = Annotated[Text, Field(max_length=200_000)]
State = Literal[tuple(PublishState.values)]
Tags = Annotated[list[TagName], Field(max_length=20)]


class GuideIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[Text, Field(min_length=1, max_length=200)]
    slug: Slug | None = Field(None, description="Made from the title when left out.")
    summary: Annotated[Text, Field(min_length=1, max_length=300)]
    body: Markdown = ""
    tags: Tags = []
    status: State = Field(PublishState.DRAFT, description="A new guide is a draft by default.")
    publish_at: IsoTime | None = None
    unpublish_at: IsoTime | None = None


class GuidePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[Text, Field(min_length=1, max_length=200)] | None = None
    summary: Annotated[Text, Field(min_length=1, max_length=300)] | None = None
    body: Markdown | None = None
    tags: Tags | None = None
    status: State | None = None
    publish_at: IsoTime | None = None
    unpublish_at: IsoTime | None = None


class EditedGuide(Schema):
    slug: str
    title: str
    summary: str
    tags: list[str]
    status: State
    publish_at: datetime | None
    unpublish_at: datetime | None
    url: str
    body_markdown: str
    body_html: str = Field(description="Sanitised HTML, as the page shows it.")
    updated_at: datetime


class FAQIn(Schema):
    model_config = ConfigDict(extra="forbid")

    question: Annotated[Text, Field(min_length=1, max_length=300)]
    slug: FAQSlug | None = None
    body: Markdown = ""
    order: Annotated[StrictInt, Field(ge=0, le=100_000)] = 100


class FAQPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    question: Annotated[Text, Field(min_length=1, max_length=300)] | None = None
    body: Markdown | None = None
    order: Annotated[StrictInt, Field(ge=0, le=100_000)] | None = None


class EditedFAQ(Schema):
    slug: str
    question: str
    order: int
    url: str
    body_markdown: str
    body_html: str
    updated_at: datetime


def _editor(request, model, action):
    token = require(request, "content:write")
    opts = model._meta
    if not token.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        raise Problem(
            403,
            f"The token's user ({token.user.get_username()}) may not {action} "
            f"{opts.verbose_name_plural}.",
            kind="forbidden",
        )
    return token.user


def _saved(obj, user, comment, *, tags=None, also=None):
    """Saved as one revision by `user`, with what `also()` writes beside it (a runbook's
    steps); a slug taken already is a 409."""
    try:
        with transaction.atomic(), reversion.create_revision():
            obj.full_clean(exclude=["slug"] if obj.pk else None)
            obj.save()
            if also is not None:
                also()
            if tags is not None:
                obj.tags.set([_tag(name) for name in tags])
            reversion.set_user(user)
            reversion.set_comment(comment)
    except ValidationError as error:
        raise _validation(error) from None
    except IntegrityError:
        raise Problem(409, f"The slug {obj.slug!r} is taken.", kind="conflict") from None
    return obj


def _tag(name):
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is None:
        slug = slugify(name)[:40] or "tag"
        tag = Tag.objects.create(name=name, slug=slug)
    return tag


def _validation(error):
    """A model's ValidationError as a problem: a publish move is a 409, the rest a 422."""
    messages = getattr(error, "message_dict", {"__all__": error.messages})
    if "status" in messages:
        return Problem(409, " ".join(messages["status"]), kind="conflict")
    detail = "; ".join(f"{field}: {' '.join(text)}" for field, text in messages.items())
    return Problem(422, detail, kind="validation")


def guide_json(guide):
    return {
        **content.guide_json(guide, whole=True),
        "status": guide.status,
        "publish_at": guide.publish_at,
        "unpublish_at": guide.unpublish_at,
    }


def faq_json(entry):
    return {**content.faq_json(entry, whole=True), "question": entry.question, "order": entry.order}


def _slug(given, title, model, limit=200):
    slug = given or slugify(title)[:limit].strip("-")
    if not slug:
        raise Problem(422, "Give a slug: the title makes none.", kind="validation")
    if model.objects.filter(slug=slug).exists():
        raise Problem(409, f"The slug {slug!r} is taken.", kind="conflict")
    return slug


@router.post(
    "guides/",
    response={201: EditedGuide, ERRORS: ProblemOut},
    url_name="guide-create",
    summary="Create a guide (a draft unless told otherwise)",
    openapi_extra=SCOPE,
)
def guide_create(request, data: GuideIn):
    user = _editor(request, Guide, "add")
    fields = data.dict(exclude={"tags", "status", "slug"})
    guide = Guide(**fields, slug=_slug(data.slug, data.title, Guide), status=data.status)
    _move(guide, PublishState.DRAFT)
    _saved(guide, user, "Created through the API.", tags=data.tags)
    return Status(201, guide_json(guide))


def _existing(model, slug, what):
    """The row to change (drafts included, unlike the reads' api.content.one), else a 404."""
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise Problem(404, f"No {what} has this slug.", kind="not-found")
    return found


def _move(item, old_state):
    """The publish move from `old_state` to the item's status, checked against the publish
    table (and its times); an illegal one is a 409 listing the states it may take."""
    try:
        item.check_move(
            old_state, item.status, publish_at=item.publish_at, unpublish_at=item.unpublish_at
        )
    except IllegalPublishMove as error:
        raise _conflict(str(error), old_state) from None


def _conflict(detail, state):
    allowed = sorted(str(s) for s in TRANSITIONS[PublishState(state)])
    return Problem(409, detail, kind="conflict", allowed=allowed)


@router.patch(
    "guides/{slug:slug}",
    response={200: EditedGuide, ERRORS: ProblemOut},
    url_name="guide-update",
    summary="Change a guide: its text, tags, publish state or times",
    openapi_extra=SCOPE,
)
def guide_update(request, slug: PathSlug, data: GuidePatch):
    user = _editor(request, Guide, "change")
    guide = _existing(Guide, slug, "guide")
    changes = data.dict(exclude_unset=True)
    old_state = guide.status
    for name in ("title", "summary", "body", "publish_at", "unpublish_at", "status"):
        if name in changes and changes[name] is not None:
            setattr(guide, name, changes[name])
    _move(guide, old_state)
    _saved(guide, user, "Changed through the API.", tags=changes.get("tags"))
    return guide_json(guide)


@router.post(
    "faq/",
    response={201: EditedFAQ, ERRORS: ProblemOut},
    url_name="faq-create",
    summary="Add an FAQ entry",
    openapi_extra=SCOPE,
)
def faq_create(request, data: FAQIn):
    user = _editor(request, FAQEntry, "add")
    entry = FAQEntry(
        question=data.question,
        slug=_slug(data.slug, data.question, FAQEntry, limit=FAQ_SLUG_LENGTH),
        body=data.body,
        order=data.order,
    )
    _saved(entry, user, "Created through the API.")
    return Status(201, faq_json(entry))


@router.patch(
    "faq/{slug:slug}",
    response={200: EditedFAQ, ERRORS: ProblemOut},
    url_name="faq-update",
    summary="Change an FAQ entry",
    openapi_extra=SCOPE,
)
def faq_update(request, slug: PathSlug, data: FAQPatch):
    user = _editor(request, FAQEntry, "change")
    entry = _existing(FAQEntry, slug, "FAQ entry")
    for name, value in data.dict(exclude_unset=True).items():
        if value is not None:
            setattr(entry, name, value)
    _saved(entry, user, "Changed through the API.")
    return faq_json(entry)
