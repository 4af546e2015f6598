"""Load the shipped Markdown content (`content/`) into the database, by slug.

Each file is loaded in its own transaction: a bad file is reported with the reason and
loads nothing, and the other files still load. Loading the same files twice changes nothing.
"""

from pathlib import Path

import frontmatter
import reversion
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from core.categories import SupportCategory
from core.importing import Report
from core.text import noun
from kb.models import FAQEntry, Guide, PageBlock, PublishState, Tag
from runbooks.models import Runbook
from search.documents import index_object, indexing_held

KINDS = ["pages", "guides", "runbooks", "faq"]  # runbooks link to guides, so guides first


class ContentError(Exception):
    pass


def import_content(root) -> Report:
    root = Path(root)
    if not root.is_dir():
        raise ContentError(f"{root} is not a folder")
    report = Report()
    for kind in KINDS:
        posts = []
        for path in sorted((root / kind).glob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            try:
                posts.append((path, _read(path)))
            except ContentError as error:
                report.errors.append((path, str(error)))
        # Tags read in order of first use, so shipping the files in their `order` makes the
        # first guide's tag line read as written (`onboarding · auth · billing`).
        posts.sort(key=lambda item: _position(item[1]))
        for path, post in posts:
            try:
                # Saving a runbook, its tags, checks and steps would each re-index it.
                # Each file loaded is a revision in the history, like an editor's save.
                with transaction.atomic(), indexing_held(), reversion.create_revision():
                    outcome, label = LOADERS[kind](post)
                    reversion.set_comment(
                        f"{outcome.capitalize()} by import_content from {path.name}."
                    )
            except ContentError as error:
                report.errors.append((path, str(error)))
            except ValidationError as error:
                reasons = "; ".join(
                    f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
                )
                report.errors.append((path, reasons))
            else:
                getattr(report, outcome).append(label)
    return report


def _position(post):
    order = post.metadata.get("order")
    return order if isinstance(order, int) else 10**9


def _read(path):
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ContentError("the file is not UTF-8 text") from None
    except yaml.YAMLError as error:
        raise ContentError(f"the front matter is not valid YAML: {error}") from None
    if not post.metadata:
        raise ContentError("the file has no front matter (a --- block at the top)")
    return post


class Fields:
    """Reads one file's front matter: which fields there are, and that each has the shape
    YAML can get wrong (text, or a list of texts). What the values may be (lengths, slugs,
    choices, error codes) is the model's to say: `full_clean()` checks it once, in `_save`."""

    def __init__(self, post, *, required, optional):
        self.meta = dict(post.metadata)
        self.body = post.content.strip()
        unknown = sorted(set(self.meta) - set(required) - set(optional))
        if unknown:
            raise ContentError(
                f"unknown {noun(len(unknown), 'field')} {', '.join(unknown)}; "
                f"allowed: {', '.join([*required, *optional])}"
            )
        missing = [name for name in required if self.meta.get(name) in (None, "", [])]
        if missing:
            fields = noun(len(missing), "field")
            raise ContentError(f"missing required {fields}: {', '.join(missing)}")

    def text(self, name, default=""):
        value = self.meta.get(name, default)
        if not isinstance(value, str | int | float):
            raise ContentError(f"{name} must be text")
        return str(value).strip()

    def value(self, name, default):
        """A scalar the model field converts and checks (a number, a choice)."""
        value = self.meta.get(name, default)
        if isinstance(value, list | dict):
            raise ContentError(f"{name} must be a single value, not a list")
        return value

    def strings(self, name):
        value = self.meta.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ContentError(f"{name} must be a list of texts")
        return [v.strip() for v in value]


def _save(model, lookup, values, *, relations=None):
    """Create or update one row; report "created", "updated" or "unchanged"."""
    relations = relations or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        outcome = "created"
    else:
        changed = any(getattr(obj, name) != value for name, value in values.items())
        changed |= any(current(obj) != wanted for current, wanted, _ in relations.values())
        if not changed:
            return "unchanged", obj
        for name, value in values.items():
            setattr(obj, name, value)
        outcome = "updated"
    obj.full_clean(exclude=["body_html", "toc"])
    obj.save()
    for _current, wanted, apply in relations.values():
        apply(obj, wanted)
    reversion.add_to_revision(obj)  # again: with the checks and steps just bulk-created
    return outcome, obj


def _tags(names):
    tags = []
    for name in names:
        slug = slugify(name)
        if not slug:
            raise ContentError(f"tag {name!r} has no letters or digits")
        tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _tag_relation(names):
    wanted = sorted(slugify(name) for name in names)
    return (
        lambda obj: sorted(tag.slug for tag in obj.tags.all()),
        wanted,
        lambda obj, _wanted: obj.tags.set(_tags(names)),
    )


def load_guide(post):
    f = Fields(post, required=["title", "slug", "summary"], optional=["tags", "status", "order"])
    if not f.body:
        raise ContentError("the guide has no body text under the front matter")
    slug = f.text("slug")
    values = {
        "title": f.text("title"),
        "summary": f.text("summary"),
        "status": f.value("status", PublishState.PUBLISHED),
        "order": f.value("order", 100),
        "body": f.body,
    }
    relations = {"tags": _tag_relation(f.strings("tags"))}
    outcome, guide = _save(Guide, {"slug": slug}, values, relations=relations)
    if outcome != "unchanged":
        index_object(guide)
    return outcome, f"guide {slug}"


def load_runbook(post):
    f = Fields(
        post,
        required=["title", "slug", "summary", "checks", "fix_steps", "escalation"],
        optional=["error_codes", "tags", "related_guides", "status", "order", "support_category"],
    )
    slug = f.text("slug")
    codes = f.strings("error_codes")
    guide_slugs = f.strings("related_guides")
    guides = list(Guide.objects.filter(slug__in=guide_slugs))
    missing = sorted(set(guide_slugs) - {g.slug for g in guides})
    if missing:
        guides_word = noun(len(missing), "guide")
        raise ContentError(f"related {guides_word} not found: {', '.join(missing)}")
    checks, steps = f.strings("checks"), f.strings("fix_steps")
    values = {
        "title": f.text("title"),
        "summary": f.text("summary"),
        "error_codes": ", ".join(codes),
        "escalation": f.text("escalation"),
        "support_category": f.value("support_category", SupportCategory.OTHER),
        "status": f.value("status", PublishState.PUBLISHED),
        "order": f.value("order", 100),
        "body": f.body,
    }

    def set_items(manager_name):
        def apply(obj, texts):
            manager = getattr(obj, manager_name)
            manager.all().delete()
            manager.bulk_create(
                [manager.model(runbook=obj, text=t, order=i) for i, t in enumerate(texts, 1)]
            )

        return apply

    relations = {
        "tags": _tag_relation(f.strings("tags")),
        "related_guides": (
            lambda obj: sorted(g.slug for g in obj.related_guides.all()),
            sorted(guide_slugs),
            lambda obj, _wanted: obj.related_guides.set(guides),
        ),
        "checks": (
            lambda obj: [c.text for c in obj.checks.all()],
            checks,
            set_items("checks"),
        ),
        "fix_steps": (
            lambda obj: [s.text for s in obj.fix_steps.all()],
            steps,
            set_items("fix_steps"),
        ),
    }
    outcome, runbook = _save(Runbook, {"slug": slug}, values, relations=relations)
    if outcome != "unchanged":
        index_object(runbook)
    return outcome, f"runbook {slug}"


def load_faq(post):
    f = Fields(post, required=["question", "slug"], optional=["order"])
    if not f.body:
        raise ContentError("the FAQ entry has no answer under the front matter")
    slug = f.text("slug")
    values = {
        "question": f.text("question"),
        "order": f.value("order", 100),
        "body": f.body,
    }
    outcome, entry = _save(FAQEntry, {"slug": slug}, values)
    if outcome != "unchanged":
        index_object(entry)
    return outcome, f"faq {slug}"


def load_page(post):
    f = Fields(post, required=["key", "title"], optional=["eyebrow", "link_text"])
    key = f.text("key")
    values = {
        "title": f.text("title"),
        "eyebrow": f.text("eyebrow"),
        "link_text": f.text("link_text"),
        "body": f.body,
    }
    outcome, _ = _save(PageBlock, {"key": key}, values)
    return outcome, f"page block {key}"


LOADERS = {"guides": load_guide, "runbooks": load_runbook, "faq": load_faq, "pages": load_page}
